// A studio as `digest preview` announces it (announceStudio), whose close takes CLOSE_MS: the process the stop
// tests of tests/e2e/preview-cli.test.ts send their signals to. It prints 'closing' when the close starts and
// 'closed' when it is done.
import { announceStudio } from '../../src/cli/studio-options.ts';

const CLOSE_MS = 400;

await announceStudio(
  {
    async close() {
      console.log('closing');
      await new Promise((done) => setTimeout(done, CLOSE_MS));
      console.log('closed');
    },
  },
  { url: 'http://127.0.0.1:1/?token=announced-studio-secret' },
  'a test studio',
  true,
);
// Nothing else keeps the process alive: the server does in the real command.
setInterval(() => {}, 60_000);
