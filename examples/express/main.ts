import { serve } from '../serve';
import { createApp } from './app';

/**
 * Starts the example on 127.0.0.1 (PORT, or 3000) and says what to try.
 * A taken or invalid PORT is an error and a non-zero exit; Ctrl-C exits 0.
 */
async function main(): Promise<void> {
  const app = await createApp();
  await serve(app, {
    title: 'Hanoi Express example',
    command: 'npm run example',
    tryLines: (url) => [
      `curl ${url}/                                         # anonymous: only features at 100%`,
      `curl -H 'x-user-id: alice' ${url}/                   # alice's features`,
      `curl -H 'x-user-id: alice' ${url}/search             # 30% rollout: new or classic`,
      `curl -H 'x-user-id: alice' ${url}/dashboard          # listed user: 200`,
      `curl -H 'x-user-id: carol' ${url}/dashboard          # not listed: 404, as for ${url}/nowhere`,
      `curl -H 'x-user-id: staff-1' ${url}/staff            # pattern /^staff-/: 200; others 403`,
      `curl -H 'x-user-id: 443301' ${url}/checkout          # experiment: red, green or blue, always the same`,
      `curl -H 'x-user-id: alice' ${url}/recommendations    # a service reading the current user`,
    ],
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
