import { cpus, platform, release, totalmem } from 'node:os';

/** The machine a run measured on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly node: string;
  readonly os: string;
  readonly date: string;
}

/** Describes this machine and the time of the run. */
export const thisMachine = (): Machine => {
  const list = cpus();

  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${platform()} ${release()}`,
    date: new Date().toISOString(),
  };
};

/** The machine as Markdown list items. */
export const machineLines = (m: Machine): string[] => [
  `- CPU: ${m.cpu}, ${m.cores} cores`,
  `- Memory: ${m.memory}`,
  `- Node.js: ${m.node} on ${m.os}`,
  `- Date: ${m.date}`,
];
