"""Cases in and out (pure mapping): evaluation of a case file, CSV tables and HL7 FHIR R4 Bundles to
and from the ``bonemdt-case/1`` document. No store access here; db/interop writes and reads."""
