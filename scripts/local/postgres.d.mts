export declare const LOCAL_PG_USER: string;
export declare const LOCAL_PG_PASSWORD: string;
export declare const ROOT_STATE_DIR: string;
/** Give `dataDir` (kept between runs), or `ephemeral: true` (a fresh cluster in a private temporary directory, removed on stop). */
export declare function startLocalPostgres(
  opts: { port: number; database?: string; password?: string; appPassword?: string; log?: (m: string) => void } & (
    | { dataDir: string; ephemeral?: false }
    | { dataDir?: undefined; ephemeral: true }
  ),
): Promise<{
  url: string /** the Worker role, when `appPassword` was given */;
  appUrl?: string /** where the files really are */;
  dataDir: string;
  stop(): Promise<void>;
}>;
export declare function applyMigrations(url: string): Promise<void>;
export declare function enableAppRole(ownerUrl: string, port: number, database: string, password: string): Promise<string>;
