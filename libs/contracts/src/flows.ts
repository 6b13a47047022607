// Request/response schemas of the flows routes (filled by the issue that builds them).
export {};
