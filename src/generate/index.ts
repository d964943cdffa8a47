/**
 * Synthetic LimaCharlie telemetry: a fleet of Windows, Linux and macOS sensors with realistic
 * process trees and activity, real-feed wrinkles, and planted attack stories with their ground
 * truth. `atomgraph generate` (src/cli/generate.ts) is the command-line face of generate().
 */
export { generate, generateText, type Generation, type RunOptions } from './output/stream';
export { DEFAULTS, DEMO_CLOCK_SKEW, NO_WRINKLES, parseGenerateOptions, withDefaults, type GenerateOptions, type RawGenerateOptions } from './options';
export type { AncestorRef, ConnectionRef, GenerationSummary, HostRef, ProcessRef, StoryTruth, Truth } from './stories/truth';
