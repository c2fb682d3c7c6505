/**
 * `--write-to` destinations, in the NBD URI syntax (NBD's doc/uri.md, as qemu-img and nbdcopy read it):
 * `nbd://HOST[:PORT][/EXPORT]` (TCP, port 10809 by default) and `nbd+unix:///[EXPORT]?socket=PATH`.
 * TLS (`nbds://`, `nbds+unix://`) is refused: tsdib does not speak it.
 */
import { flagInvalid } from '../errors.js';

export const NBD_DEFAULT_PORT = 10809;

export type NbdTarget =
  | { kind: 'tcp'; host: string; port: number; exportName: string; uri: string }
  | { kind: 'unix'; socket: string; exportName: string; uri: string };

function bad(uri: string, problem: string): Error {
  return flagInvalid({ flag: '--write-to', value: uri, problem, hint: 'use nbd://HOST[:PORT][/EXPORT] or nbd+unix:///EXPORT?socket=/path/to/socket' });
}

export function parseNbdUri(uri: string): NbdTarget {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw bad(uri, 'not a URI');
  }
  if (url.protocol === 'nbds:' || url.protocol === 'nbds+unix:') throw bad(uri, 'NBD over TLS is not supported');
  const exportName = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.protocol === 'nbd:') {
    if (!url.hostname) throw bad(uri, 'no host');
    if (url.search) throw bad(uri, `unexpected query ${url.search}`);
    const port = url.port === '' ? NBD_DEFAULT_PORT : Number(url.port);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { kind: 'tcp', host, port, exportName, uri };
  }
  if (url.protocol === 'nbd+unix:') {
    if (url.hostname) throw bad(uri, 'nbd+unix takes no host (three slashes: nbd+unix:///EXPORT?socket=PATH)');
    const socket = url.searchParams.get('socket');
    if (!socket) throw bad(uri, 'no ?socket=PATH');
    const other = [...url.searchParams.keys()].filter((k) => k !== 'socket');
    if (other.length > 0) throw bad(uri, `unknown query parameter ${other.join(', ')}`);
    return { kind: 'unix', socket, exportName, uri };
  }
  throw bad(uri, `unknown scheme ${url.protocol.replace(/:$/, '')}`);
}
