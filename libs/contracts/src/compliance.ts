// Request/response schemas of the compliance, consent, revocation, DNC and audit routes.
export {};
