/** The vendor's sample schemes through import (see test/schemes/fixture-import.ts). */
import { describeSchemeImport } from '../schemes/fixture-import.js';
import { vendorSchemes } from './vendor-samples.js';

describeSchemeImport(vendorSchemes);
