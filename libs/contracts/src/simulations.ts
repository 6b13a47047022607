// Request/response schemas of the simulations routes (filled by the issue that builds them).
export {};
