/*
 * What is bundled with the binary for the simulation: the scenarios of
 * content/scenarios/ and the identifiers of the CFItems of the frameworks of
 * content/frameworks/ (which a scenario's rubric must use). Both come from
 * the files embedded at build time; nothing is read from disk.
 */
#ifndef CC_SIM_CATALOG_H
#define CC_SIM_CATALOG_H

#include <stddef.h>

#include "util/embedded.h"

/*
 * 1 when UUID is the identifier of a CFItem of a bundled framework. The
 * frameworks are read once, on the first call (thread-safe); CTX is unused
 * (the signature is sim_item_known_fn's).
 */
int sim_catalog_item_known(const char *uuid, void *ctx);

/* The number of CFItems of the bundled frameworks (0 when they cannot be read). */
size_t sim_catalog_item_count(void);

/* The bundled scenario ID (content/scenarios/ID.json); NULL when there is none. */
const struct embedded_file *sim_catalog_scenario(const char *id);

/* The I-th bundled scenario in the order of their ids; NULL past the last. */
const struct embedded_file *sim_catalog_scenario_at(size_t i);

#endif
