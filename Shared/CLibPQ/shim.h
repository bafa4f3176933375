#ifndef MAILBRIDGE_CLIBPQ_SHIM_H
#define MAILBRIDGE_CLIBPQ_SHIM_H
// libpq, as the Postgres module sees it. Only Shared/Postgres imports this module.
#include <libpq-fe.h>

// The PG_DIAG_* codes are character-literal macros, which Swift does not import.
static const int mb_pg_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int mb_pg_diag_severity = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int mb_pg_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
static const int mb_pg_diag_message_detail = PG_DIAG_MESSAGE_DETAIL;
#endif
