# Runs DIB's own block-device config code on fixture files and prints, per file, the node names
# and edges of DIB's graph, or the exception DIB raises. Used by test/integration/dib-fixtures.test.ts.
# The config goes through the same steps as `dib-block-device init` + `create`:
# config_tree_to_graph -> BlockDevice._merge_rootfs_params -> create_graph.
import json
import logging
import sys
import types

import yaml

from diskimage_builder.block_device.blockdevice import BlockDevice
from diskimage_builder.block_device.config import config_tree_to_graph, create_graph

logging.disable(logging.CRITICAL)

PARAMS = {
    'build-dir': '/fake',
    'image-size': '1000',
    'image-dir': '/fake',
    'mount-base': '/fake',
    'root-fs-type': 'ext4',
    'root-label': None,
}

results = []
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            config = yaml.safe_load(f)
        graph_config = config_tree_to_graph(config)
        BlockDevice._merge_rootfs_params(types.SimpleNamespace(config=graph_config, params=PARAMS))
        dg, call_order = create_graph(graph_config, PARAMS, {})
        results.append({
            'file': path,
            'accepted': True,
            'nodes': sorted(dg.nodes()),
            'edges': sorted([a, b] for a, b in dg.edges()),
            'order': [n.name for n in call_order],
        })
    except Exception as e:  # DIB signals every config problem by raising
        results.append({'file': path, 'accepted': False, 'error': '%s: %s' % (type(e).__name__, e)})
print(json.dumps(results))
