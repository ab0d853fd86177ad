import { serve, tryTheRoutes } from '../serve';
import { createApp } from './app';

/**
 * Starts the example on 127.0.0.1 (PORT, or 3000) and says what to try.
 * A taken or invalid PORT is an error and a non-zero exit; Ctrl-C exits 0.
 */
async function main(): Promise<void> {
  const app = await createApp();
  await serve(app.callback(), {
    title: 'Hanoi Koa example',
    command: 'npm run example:koa',
    tryLines: tryTheRoutes,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
