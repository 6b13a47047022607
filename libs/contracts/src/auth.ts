// Request/response schemas of the auth routes (filled by the issue that builds them).
export {};
