import { readFile, readdir } from 'node:fs/promises';

// A safety net after the network tooling's own `down`: any process still
// alive whose command line or environment names this run's private data dir
// (a fresh mkdtemp path, so nothing else can name it) was started by this
// run. Seen once: `up` failed while a CA was starting ("ca-orderer not ready
// after 10 s (writing ca-cert.pem)"), its rollback reported nothing running,
// and that fabric-ca-server lived on. Linux only (/proc).

async function mentions(pid: number, dir: string): Promise<boolean> {
  for (const file of ['cmdline', 'environ']) {
    try {
      if ((await readFile(`/proc/${pid}/${file}`, 'utf8')).includes(dir)) return true;
    } catch {
      // gone, or not ours to read
    }
  }
  return false;
}

/** Sends a signal; false if the process is gone. */
const signal = (pid: number, sig: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
};

/** Stops (by PID: TERM, then KILL after 10 s) every process that names `dataDir`; returns what it stopped. */
export async function stopStragglers(dataDir: string): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  const stopped: string[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || !(await mentions(pid, dataDir))) continue;
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '?';
    if (!signal(pid, 'SIGTERM')) continue;
    const deadline = Date.now() + 10_000;
    while (signal(pid, 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    signal(pid, 'SIGKILL');
    stopped.push(`${command} (pid ${pid})`);
  }
  return stopped;
}
