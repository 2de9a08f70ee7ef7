// Imports the embedded-PostgreSQL module, then ends with a failing exit code the way a test runner does.
import "../../../db/embedded";

process.exitCode = 3;
