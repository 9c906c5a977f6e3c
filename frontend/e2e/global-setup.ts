import { mkdirSync, rmSync } from 'node:fs';
import { artifactsDir, emulatorProfile, emulatorSeed } from './harness';

/**
 * Starts every run with an empty artifacts folder, so old failure screenshots never mislead, and
 * names the emulator's profile and seed, so that a failing run can be replayed.
 */
export default function setup(): void {
  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(artifactsDir, { recursive: true });
  console.log(
    `e2e: emulator profile ${emulatorProfile}` +
      (emulatorProfile === 'realistic'
        ? ` with seed ${emulatorSeed} (replay: PLM_E2E_EMULATOR_PROFILE=realistic PLM_E2E_EMULATOR_SEED=${emulatorSeed})`
        : ''),
  );
}
