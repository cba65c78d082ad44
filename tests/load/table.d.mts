export declare function table(results: unknown): string;
