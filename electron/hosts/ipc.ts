// The Electron host: the only file that uses ipcMain. Each contract channel gets its own handler;
// a call is handed to the router only when it comes from the main frame of one of our windows
// showing the app's own origin. Everything else gets a Result error, never an exception.
import { channelNames, type AnyEvent } from '../../shared/contract';
import { err, type Result } from '../../shared/result';
import { isAppUrl } from '../app/origin';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import type { Router } from '../core/router';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from './ipc-names';

/** The part of WebFrameMain we look at. */
export type SenderFrameLike = {
  readonly url: string;
  readonly parent: unknown;
};

/** The part of WebContents we use: to recognise our windows and push events to them. */
export type RendererContentsLike = {
  isDestroyed: () => boolean;
  getURL: () => string;
  send: (channel: string, ...args: unknown[]) => void;
};

export type IpcInvokeEventLike = {
  readonly senderFrame: SenderFrameLike | null;
  readonly sender: unknown;
};

export type IpcMainLike = {
  handle: (
    channel: string,
    listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ) => void;
  removeHandler: (channel: string) => void;
};

export type IpcHostOptions = {
  ipcMain: IpcMainLike;
  router: Router;
  bus: EventBus;
  /** The app's windows' webContents, read on every call (windows come and go). */
  getWebContents: () => Iterable<RendererContentsLike>;
  /** Defaults to app://meterdesk; in dev, also the dev server's origin. */
  isTrustedUrl?: (url: string) => boolean;
  logger: Logger;
};

export type IpcHost = { dispose: () => void };

function refused(reason: string): Result<never> {
  return err({
    code: 'FORBIDDEN',
    message: `Call refused: ${reason}.`,
    hint: 'Only the Meterdesk window itself may call the app.',
  });
}

function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable)';
  }
}

/**
 * The desktop app's ipc host on Electron's own ipcMain. Loaded lazily so that tests of the host
 * (which pass a fake ipcMain to startIpcHost) never load the electron module.
 */
export async function startElectronIpcHost(
  options: Omit<IpcHostOptions, 'ipcMain'>,
): Promise<IpcHost> {
  const { ipcMain } = await import('electron');
  return startIpcHost({ ...options, ipcMain });
}

export function startIpcHost(options: IpcHostOptions): IpcHost {
  const { ipcMain, router, bus, logger } = options;
  const isTrusted = options.isTrustedUrl ?? isAppUrl;

  const isOurWindow = (sender: unknown): boolean => {
    for (const contents of options.getWebContents()) {
      if (contents === sender) return true;
    }
    return false;
  };

  /** Why a sender is not trusted, or null when it is. */
  const untrustedReason = (event: IpcInvokeEventLike): string | null => {
    const frame = event.senderFrame;
    // senderFrame is null once the frame navigated away or was destroyed.
    if (frame === null) return 'the sending frame is gone';
    if (frame.parent !== null) return 'the sender is not the main frame';
    if (!isTrusted(frame.url)) return 'the sender is not on the app origin';
    if (!isOurWindow(event.sender)) return 'the sender is not a Meterdesk window';
    return null;
  };

  const registered: string[] = [];
  for (const channel of channelNames) {
    const ipcChannel = ipcChannelFor(channel);
    ipcMain.handle(ipcChannel, async (event, ...args) => {
      try {
        const reason = untrustedReason(event);
        if (reason !== null) {
          logger.warn('ipc: refused a call', {
            channel,
            reason,
            origin: event.senderFrame ? originOf(event.senderFrame.url) : null,
          });
          return refused(reason);
        }
        return await router.call(channel, args[0], { host: 'electron' });
      } catch (error: unknown) {
        // The router never throws; this only guards the checks above against odd senders.
        logger.error('ipc: handler failed', { channel, error });
        return err({ code: 'INTERNAL', message: 'Something went wrong inside Meterdesk.' });
      }
    });
    registered.push(ipcChannel);
  }

  const unsubscribe = bus.subscribe((message: AnyEvent) => {
    for (const contents of options.getWebContents()) {
      try {
        // Only to windows still showing the app: events must not reach a foreign page.
        if (contents.isDestroyed() || !isTrusted(contents.getURL())) continue;
        contents.send(IPC_EVENT_CHANNEL, { event: message.event, payload: message.payload });
      } catch (error: unknown) {
        logger.warn('ipc: could not forward an event', { event: message.event, error });
      }
    }
  });

  return {
    dispose: () => {
      unsubscribe();
      for (const ipcChannel of registered) ipcMain.removeHandler(ipcChannel);
    },
  };
}
