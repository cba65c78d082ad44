/** Types of build.mjs (plain Node, so scripts/run.mjs can import it before anything is installed). */
export declare const SERVER_ENTRY: string;
export declare function newest(path: string): number;
export declare function serverBuildIsFresh(): boolean;
export interface ServerBuild {
  ms: number;
  bytes: number;
  /** the npm packages the bundle imports at run time */
  imports: string[];
}
export declare function buildServer(): Promise<ServerBuild>;
export declare function ensureServerBuild(): Promise<ServerBuild | null>;
