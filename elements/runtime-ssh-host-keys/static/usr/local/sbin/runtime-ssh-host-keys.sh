#!/bin/bash
# Makes the SSH host keys this machine lacks (rsa, ecdsa, ed25519) at boot. Existing keys are kept:
# another tool (cloud-init, glean) may have written them first. Installed by runtime-ssh-host-keys.
if [ "${DIB_DEBUG_TRACE:-0}" -gt 0 ]; then set -x; fi
set -eu -o pipefail

for type in rsa ecdsa ed25519; do
  key=/etc/ssh/ssh_host_${type}_key
  [ -s "$key" ] && continue
  rm -f "$key" "$key.pub"
  ssh-keygen -q -t "$type" -N '' -C "root@$(hostname)" -f "$key"
  echo "runtime-ssh-host-keys: made $key"
done
