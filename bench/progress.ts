/**
 * The progress line on stderr: one line rewritten in place on a terminal, plain lines otherwise,
 * so results on stdout stay clean for pipes.
 */

/** Reports what the run is doing now. */
export interface Progress {
  /** Replaces the current progress line. */
  update(text: string): void;
  /** Ends the current line and prints a lasting one. */
  log(text: string): void;
}

/** A progress line written to `stream` (stderr by default). */
export function progressOnStream(stream: NodeJS.WriteStream = process.stderr): Progress {
  const interactive = stream.isTTY === true;
  let lastPlain = 0;
  return {
    update(text) {
      if (interactive) {
        stream.write(`\r\x1b[2K${text}`);
      } else if (Date.now() - lastPlain >= 1000) {
        // Without a terminal, one line a second is enough to show life without flooding logs.
        lastPlain = Date.now();
        stream.write(`${text}\n`);
      }
    },
    log(text) {
      stream.write(interactive ? `\r\x1b[2K${text}\n` : `${text}\n`);
    },
  };
}

/** A progress sink that prints nothing (tests). */
export const silentProgress: Progress = { update() {}, log() {} };
