// Compile-time proof that the real Electron objects satisfy the small structural types the
// modules are written against (tsc checks this file; at run time it is a no-op).
import type {
  App,
  ContextBridge,
  IpcMain,
  IpcRenderer,
  Protocol,
  Session,
  Shell,
  WebContents,
} from 'electron';
import { describe, expectTypeOf, it } from 'vitest';
import type { IpcMainLike, RendererContentsLike } from '../hosts/ipc';
import type { ContextBridgeLike, IpcRendererLike } from '../preload/bridge';
import type { UnloadGuardedContents } from './leave-prompt';
import type { ProtocolLike, ProtocolRegistrarLike } from './protocol';
import type { AppLike, GuardableWebContents, HardenableSession, ShellLike } from './security';

describe('structural types match Electron', () => {
  it('accepts the real objects', () => {
    expectTypeOf<WebContents>().toExtend<GuardableWebContents>();
    expectTypeOf<WebContents>().toExtend<RendererContentsLike>();
    expectTypeOf<WebContents>().toExtend<UnloadGuardedContents>();
    expectTypeOf<Session>().toExtend<HardenableSession>();
    expectTypeOf<Shell>().toExtend<ShellLike>();
    expectTypeOf<App>().toExtend<AppLike>();
    expectTypeOf<Protocol>().toExtend<ProtocolLike>();
    expectTypeOf<Protocol>().toExtend<ProtocolRegistrarLike>();
    expectTypeOf<IpcMain>().toExtend<IpcMainLike>();
    expectTypeOf<IpcRenderer>().toExtend<IpcRendererLike>();
    expectTypeOf<ContextBridge>().toExtend<ContextBridgeLike>();
  });
});
