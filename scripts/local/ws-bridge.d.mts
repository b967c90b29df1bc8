export declare function startWsBridge(opts: { port: number }): Promise<{ url: string; stop(): Promise<void> }>;
