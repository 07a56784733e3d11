/*
 * engine.c - a learned plan model made ready for the simulator: the
 * duration tables, predecessors, lags and occurrence of every phase and
 * the Cholesky factor of the copula.  plan, whatif, backtest and every
 * bootstrap replicate go through here, so a model is simulated one way.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

void pci_engine_release(pci_engine *e)
{
	if (e->tables)
		for (size_t j = 0; j < e->k; j++)
			free(e->tables[j]);
	free(e->tables);
	free(e->ph);
	free(e->chol);
	memset(e, 0, sizeof *e);
}

/* No correlation left (every one shrunk away): the draws are
 * independent, and cheaper without the copula. */
static int identity(const double *r, size_t k)
{
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			if (i != j && r[i * k + j] != 0)
				return 0;
	return 1;
}

int pci_engine_init(pci_engine *e, const pc_plan_model *pm, int independent,
                    pc_error *err)
{
	size_t k = pm->nphases;

	memset(e, 0, sizeof *e);
	e->k = k;
	e->ph = calloc(k ? k : 1, sizeof *e->ph);
	e->tables = calloc(k ? k : 1, sizeof *e->tables);
	if (!e->ph || !e->tables)
		goto oom;
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *n = pm->nodes + j;
		pci_sim_phase *p = e->ph + j;

		p->preds = n->preds;
		p->npreds = n->npreds;
		p->lags = n->lags;
		p->nlags = n->nlags;
		p->lag0 = (int)lround(n->lag);
		p->occurs = n->occurs;
		p->family = n->fit.family;
		p->params = n->fit.params;
		if (pci_duration_table(p->family, p->params, &e->tables[j], &p->ntable))
			goto oom;
		p->table = e->tables[j];
	}
	if (!independent && pm->corr && !identity(pm->corr, k)) {
		e->chol = malloc(k * k * sizeof *e->chol);
		if (!e->chol)
			goto oom;
		if (pci_cholesky(pm->corr, k, e->chol)) {
			pci_engine_release(e);
			return pc_error_set(err, PC_ENUMERIC, NULL, 0,
			                    "the correlation matrix is not positive definite");
		}
	}
	return PC_OK;
oom:
	pci_engine_release(e);
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

void pci_engine_config(const pci_engine *e, pci_sim_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->nphases = e->k;
	cfg->ph = e->ph;
	cfg->chol = e->chol;
	cfg->threads = 1;
}
