import type { ServiceIdentifier } from 'inversify';

/**
 * Gives the entry script of a VP's worker thread (the bundled VP runtime). A process that may
 * not spawn children (Node's permission model) binds a {@link PrebuiltVpRuntimeSource}, since
 * the default {@link BundlingVpRuntimeSource} runs esbuild.
 */
export interface VpRuntimeSource {
  /** URL of the VP runtime script, loadable by `new Worker(url)`. */
  script(): Promise<URL>;
}

/** Inversify token of the {@link VpRuntimeSource} a {@link Hypervisor} starts VPs with. */
export const VpRuntimeSource: ServiceIdentifier<VpRuntimeSource> = Symbol.for('@tsvisor/hypervisor-core/VpRuntimeSource');
