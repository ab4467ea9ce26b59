/**
 * vitest globalSetup: makes (or reuses) the standard lab capture set once per test run and hands its
 * manifest to every test file through `provide('captures', …)`; tests read it with `inject('captures')`
 * (see lab-captures.ts for the set and the reuse key).
 */
import type { TestProject } from 'vitest/node';
import { ensureLabCaptures, type LabCaptureSet } from './lab-captures';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the standard lab capture set (test/support/lab-captures.ts). */
    captures: LabCaptureSet;
  }
}

/** setup runs once in the main vitest process before any test file. */
export default async function setup(project: TestProject): Promise<void> {
  const set = await ensureLabCaptures({
    log: (line) => {
      if (process.env.WIRELAB_CAPTURE_LOG === '1') console.log(`[lab-captures] ${line}`);
    },
  });
  if (!set.reused) console.log(`[lab-captures] made ${Object.keys(set.captures).length} captures in ${set.buildMs} ms → ${set.dir}`);
  project.provide('captures', set);
}
