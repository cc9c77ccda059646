// A command's standard streams, or a running container's, as the runtime hands them over: what the API's
// exec and attach streams (kubectl exec / attach / cp) are made of. Types only; docker-exec.ts makes them.
import type { Readable, Writable } from 'node:stream';

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** A terminal: stdout and stderr arrive as one stream (on stdout), and resize works. */
  tty: boolean;
  /** The terminal's size from the start (engines with API 1.42+), when the client sent it in time. */
  size?: TerminalSize;
}

export interface TerminalSize {
  width: number;
  height: number;
}

export interface StreamSession {
  /** Present when stdin was asked for; ending it closes the process's stdin (EOF). */
  stdin?: Writable;
  stdout?: Readable;
  /** Separate from stdout, except with a TTY (then absent). */
  stderr?: Readable;
  /** Sets the terminal size (TTY only; ignored otherwise). */
  resize(width: number, height: number): Promise<void>;
  /** Resolves when the output has ended: the exec'd command's exit code; undefined for attach. */
  done: Promise<number | undefined>;
  /**
   * Ends the session early (the client went away): closes the streams and, for exec, kills the command so
   * no process is left running in the container. Safe to call more than once and after the end.
   */
  abort(): Promise<void>;
}

/** The runtime verbs behind exec and attach (implemented by docker-runtime.ts and memory-runtime.ts). */
export interface StreamingRuntime {
  /** Starts `command` in a running container with the asked streams attached. */
  execStream(id: string, command: string[], options: StreamOptions): Promise<StreamSession>;
  /** Attaches to the main process of a running container (started with stdin / tty for input). */
  attachStream(id: string, options: StreamOptions): Promise<StreamSession>;
}
