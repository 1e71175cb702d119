/**
 * Who-is by caller address in the simulator: every simulated node has a tailnet IPv4 `100.A.B.C` and a
 * loopback alias `127.A.B.C` (all of 127/8 is loopback on Linux). A simulated process binds its outgoing
 * sockets to its node's alias, so a server sees which node called it, and the sim LocalAPI maps it back.
 */
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function simLoopbackFor(tailnetIp: string): string {
  const m = V4.exec(tailnetIp);
  if (!m || m[1] !== '100') throw new Error(`not a simulated tailnet IPv4: ${tailnetIp}`);
  return `127.${m[2]}.${m[3]}.${m[4]}`;
}

/** The tailnet IPv4 a loopback alias stands for; undefined for anything that is not 127.x.y.z. */
export function simTailnetFor(loopbackIp: string): string | undefined {
  const ip = loopbackIp.replace(/^::ffff:/i, '');
  const m = V4.exec(ip);
  if (!m || m[1] !== '127') return undefined;
  return `100.${m[2]}.${m[3]}.${m[4]}`;
}
