/** The three platform models, by platform. */
import { LINUX } from './linux';
import { MACOS } from './macos';
import type { Platform, PlatformModel } from './types';
import { WINDOWS } from './windows';

export const MODELS: Readonly<Record<Platform, PlatformModel>> = { windows: WINDOWS, linux: LINUX, macos: MACOS };

export * from './types';
