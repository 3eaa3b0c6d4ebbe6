"""Cases in and out, store side: import of case files, CSV tables and FHIR Bundles (one transaction
per file, audited, role-checked) and export of a stored case as a case file or a FHIR Bundle."""
