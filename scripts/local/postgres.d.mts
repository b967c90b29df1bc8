export declare function startLocalPostgres(opts: { dataDir: string; port: number; database?: string; ephemeral?: boolean; log?: (m: string) => void }): Promise<{ url: string; stop(): Promise<void> }>;
export declare function applyMigrations(url: string): Promise<void>;
