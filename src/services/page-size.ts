/**
 * How many items one listing answers at once, in every dialect: the Workflow API's
 * `getinstances` (`take`) and `getusers` (`pageSize`), and `/api/v1`'s instance and task listings
 * (`pageSize`). A larger page is refused with a clear error; a request for "all" gets all when no
 * more than this many match, and otherwise a clear error that asks for pages (docs/security.md,
 * "Listings"). A listing never reads more than one page plus one row.
 */
export const MAX_PAGE_SIZE = 1000;
