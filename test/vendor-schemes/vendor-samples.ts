/**
 * The vendor's sample schemes, which live outside the repository. `npm run test:vendor-schemes`
 * (scripts/run-tests.mjs --vendor-schemes) finds the folder, refuses clearly when it is absent,
 * and names it in WAYMARK_VENDOR_SCHEMES for the *.vendor-test.ts files here.
 */
import { schemeFolder, type SchemeFolder } from '../support/scheme-fixtures.js';

function vendorFolder(): string {
  const folder = process.env['WAYMARK_VENDOR_SCHEMES'];
  if (!folder) throw new Error('WAYMARK_VENDOR_SCHEMES is not set: run these suites with npm run test:vendor-schemes');
  return folder;
}

/** The vendor's sample schemes (`../shared/fixtures/schemes/` beside the repository). */
export const vendorSchemes: SchemeFolder = schemeFolder('vendor samples', vendorFolder());
