/*
 * report.c - building the report (plan, deadline questions, phase
 * histories, backtest) and drawing it as an HTML page or single SVG
 * charts.  The iCalendar writer is in ics.c.
 *
 * Colours are the Okabe-Ito palette, chosen to stay apart for the common
 * colour-vision deficiencies; every pair drawn together also differs in
 * lightness or dash, so a grey printout keeps them apart.
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <precedent/report.h>
#include <precedent/trend.h>

#include "plan_internal.h"
#include "report_internal.h"
#include "svg_internal.h"

#define C_DARK   "#0072B2"  /* blue: P50 bars, fitted curves */
#define C_LIGHT  "#56B4E9"  /* sky blue: P10-P90 ranges */
#define C_LINE   "#D55E00"  /* vermillion: the deadline */
#define C_MARK   "#E69F00"  /* orange: checkpoints */
#define C_GREEN  "#009E73"  /* bluish green: correlation */

#define W 760.0             /* every chart's width (viewBox units) */
#define LABEL_CHARS 20      /* phase names longer than this are cut */

const char *const pc_report_chart_names[] = {
	"gantt", "curve", "history", "drivers", "reliability", NULL
};

int pc_report_chart_find(const char *name)
{
	for (int i = 0; pc_report_chart_names[i]; i++)
		if (strcmp(name, pc_report_chart_names[i]) == 0)
			return i;
	return -1;
}

void pc_report_options_init(pc_report_options *o)
{
	memset(o, 0, sizeof *o);
	o->confidence = 0.8;
	o->backtest = 1;
	o->backtest_holdout = 30;
}

/* ------------------------------------------------------------ building */

struct dur {
	double days;
	int ongoing;
	pc_day start;
};

static int cmp_dur(const void *a, const void *b)
{
	const struct dur *x = a, *y = b;
	if (x->days != y->days)
		return (x->days > y->days) - (x->days < y->days);
	/* at a tie, events before censorings, as Kaplan-Meier counts them */
	return x->ongoing - y->ongoing;
}

size_t pci_km(const double *days, const int *ongoing, size_t n, double *t,
              double *f)
{
	double at_risk = (double)n, surv = 1;
	size_t m = 0;

	/* at each distinct event time the survival drops by the share of
	 * those still at risk that finished then; a phase still running at
	 * that time counts as at risk (censorings sort after events) */
	for (size_t i = 0; i < n;) {
		size_t j = i, events = 0;
		while (j < n && days[j] == days[i]) {
			events += !ongoing[j];
			j++;
		}
		if (events) {
			surv *= 1 - events / at_risk;
			t[m] = days[i];
			f[m] = 1 - surv;
			m++;
		}
		at_risk -= (double)(j - i);
		i = j;
	}
	return m;
}

/* The phase's durations, Kaplan-Meier estimate, distance to the fit and
 * warnings.  Returns -1 when out of memory. */
static int build_phase(const pc_history *h, const pc_calendar *cal,
                       const pc_plan_model *pm, const pc_plan_node *node,
                       pc_report_phase *ph)
{
	long idx = pc_history_phase_index(h, node->phase);
	struct dur *d;
	size_t n = 0, nfin = 0;

	ph->phase = node->phase;
	ph->trend = NAN;
	if (idx < 0)
		return 0;
	d = malloc((h->nobs ? h->nobs : 1) * sizeof *d);
	if (!d)
		return -1;
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *ob = h->obs + i;
		if (ob->phase != (size_t)idx)
			continue;
		d[n].days = (double)pc_calendar_days(cal, ob->start, ob->end);
		if (d[n].days < 1)
			d[n].days = 1;
		/* as the fit saw them: the curve and the fit compare alike */
		d[n].days = pci_drift_days(pm, h->projects[ob->project].start,
		                           d[n].days, ob->ongoing);
		d[n].ongoing = ob->ongoing;
		d[n].start = ob->start;
		nfin += !ob->ongoing;
		n++;
	}
	qsort(d, n, sizeof *d, cmp_dur);
	ph->n = n;
	ph->censored = n - nfin;
	/* the engine's own rule (pooled below min_projects finished) */
	ph->thin = node->thin;
	ph->days = malloc((n ? n : 1) * sizeof *ph->days);
	ph->ongoing = malloc((n ? n : 1) * sizeof *ph->ongoing);
	ph->km_t = malloc((n ? n : 1) * sizeof *ph->km_t);
	ph->km_f = malloc((n ? n : 1) * sizeof *ph->km_f);
	if (!ph->days || !ph->ongoing || !ph->km_t || !ph->km_f) {
		free(d);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		ph->days[i] = d[i].days;
		ph->ongoing[i] = d[i].ongoing;
	}
	ph->nkm = pci_km(ph->days, ph->ongoing, n, ph->km_t, ph->km_f);
	/* The fit's largest distance from the step function, checked on both
	 * sides of every step (the sup of |F - KM| is reached at a jump). */
	ph->ks = 0;
	for (size_t k = 0; k < ph->nkm; k++) {
		const pc_family *f = node->fit.family;
		/* durations are whole days: the fit's x stands for round(x) */
		double F = f->cdf(ph->km_t[k] + 0.5, node->fit.params);
		double Fb = f->cdf(ph->km_t[k] - 0.5, node->fit.params);
		double before = k ? ph->km_f[k - 1] : 0;
		if (fabs(F - ph->km_f[k]) > ph->ks)
			ph->ks = fabs(F - ph->km_f[k]);
		if (fabs(Fb - before) > ph->ks)
			ph->ks = fabs(Fb - before);
	}
	free(d);
	return 0;
}

/* The plan the page shows: the whatif's own dates, so that the headline,
 * the Gantt chart, the curve and the odds come from one simulation, with
 * any booking in it.  With no booking or progress these are pc_plan_run's
 * dates for the same seed and iterations.  No standard errors: the page
 * prints none for dates. */
static pc_plan *plan_of(const pc_whatif *w)
{
	pc_plan *p = calloc(1, sizeof *p);

	if (!p || !(p->phases = calloc(w->nphases ? w->nphases : 1,
	                               sizeof *p->phases))) {
		free(p);
		return NULL;
	}
	p->start = w->start;
	p->iterations = w->iterations;
	p->seed = w->seed;
	p->independent = w->independent;
	p->max_se = NAN;
	p->nphases = w->nphases;
	for (int q = 0; q < PC_PLAN_NPCT; q++) {
		p->finish.day[q] = w->finish[q];
		p->finish.se[q] = NAN;
	}
	for (size_t j = 0; j < w->nphases; j++) {
		pc_plan_phase *ph = p->phases + j;
		if (!(ph->phase = strdup(w->phases[j].phase))) {
			pc_plan *t = p;
			pc_plan_free(&t);
			return NULL;
		}
		ph->occurs = w->phases[j].occurs;
		ph->capped = w->phases[j].capped;
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			ph->start.day[q] = w->phases[j].start[q];
			ph->finish.day[q] = w->phases[j].finish[q];
			ph->start.se[q] = ph->finish.se[q] = NAN;
		}
	}
	return p;
}

int pc_report_build(const pc_plan_model *pm, const pc_history *h,
                    const pc_plan_options *po, const pc_whatif_options *wo_in,
                    const pc_report_options *o, pc_report **out,
                    pc_error *err)
{
	pc_report *r;
	pc_whatif_options wo;
	pc_report_options def;
	pc_history_trend *tr = NULL;

	*out = NULL;
	if (!o) {
		pc_report_options_init(&def);
		o = &def;
	}
	if (!(o->confidence > 0 && o->confidence < 1))
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "--confidence: %g is not between 0 and 1",
		                    o->confidence);
	r = calloc(1, sizeof *r);
	if (!r)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	r->o = *o;
	r->pm = pm;
	r->h = h;
	r->calendar = po->calendar;
	if (wo_in) {
		wo = *wo_in;
	} else {
		pc_whatif_options_init(&wo);
		wo.start = po->start;
		wo.seed = po->seed;
		wo.threads = po->threads;
		wo.iterations = po->iterations;
		wo.calendar = po->calendar;
		wo.independent = po->independent;
		wo.ci = h && o->has_deadline ? 200 : 0;
		wo.confidence = o->confidence;
	}
	if (!h)
		wo.ci = 0;
	wo.curve = 1;
	/* The checkpoints aim at the deadline, or without one at the P80
	 * finish, which the plan gives; when bookings move that finish, the
	 * questions are asked again of the booked plan's own P80, so that
	 * the page names one P80 throughout. */
	if (wo_in && wo_in->ndeadlines) {
		r->target = wo_in->deadlines[0];
	} else if (o->has_deadline) {
		r->target = o->deadline;
	} else {
		pc_plan *p0;
		if (pc_plan_run(pm, po, &p0, err))
			goto fail;
		r->target = p0->finish.day[2];
		pc_plan_free(&p0);
	}
	if (!wo_in || !wo.ndeadlines) {
		wo.deadlines = &r->target;
		wo.ndeadlines = 1;
	}
	if (pc_whatif_run(pm, h, &wo, &r->whatif, err))
		goto fail;
	if (!o->has_deadline && !(wo_in && wo_in->ndeadlines) &&
	    r->whatif->finish[2] != r->target) {
		r->target = r->whatif->finish[2];
		pc_whatif_free(&r->whatif);
		if (pc_whatif_run(pm, h, &wo, &r->whatif, err))
			goto fail;
	}
	if (!(r->plan = plan_of(r->whatif)))
		goto nomem;
	r->occurs = malloc((pm->nphases ? pm->nphases : 1) * sizeof *r->occurs);
	if (!r->occurs)
		goto nomem;
	for (size_t j = 0; j < pm->nphases; j++)
		r->occurs[j] = r->plan->phases[j].occurs;
	if (h) {
		r->phases = calloc(pm->nphases ? pm->nphases : 1, sizeof *r->phases);
		if (!r->phases)
			goto nomem;
		for (size_t j = 0; j < pm->nphases; j++)
			if (build_phase(h, po->calendar, pm, pm->nodes + j, r->phases + j))
				goto nomem;
		if (!o->trends && pc_history_trends(h, po->calendar, 0.05, &tr, err))
			goto fail;
		for (size_t j = 0; j < pm->nphases; j++) {
			const pc_history_trend *t = o->trends ? o->trends : tr;
			long idx = pc_history_phase_index(h, pm->nodes[j].phase);
			if (idx >= 0 && t[idx].significant) {
				r->phases[j].trend = t[idx].per_year;
				r->phases[j].trend_p = t[idx].t.p;
			}
		}
		free(tr);
	}
	if (h && o->backtest) {
		pc_backtest_options bo;
		pc_error berr;
		pc_backtest_options_init(&bo);
		bo.holdout = o->backtest_holdout;
		bo.seed = po->seed;
		bo.threads = po->threads;
		bo.calendar = po->calendar;
		/* scored as the plan was learned */
		bo.half_life = pm->half_life;
		bo.half_life_days = pm->half_life_days;
		bo.drift = pm->drift;
		pc_error_clear(&berr);
		if (pc_backtest_run(h, NULL, &bo, &r->backtest, &berr)) {
			size_t m = strlen(berr.msg);
			if (m >= sizeof r->backtest_note)
				m = sizeof r->backtest_note - 1;
			memcpy(r->backtest_note, berr.msg, m);
			r->backtest_note[m] = 0;
			r->backtest = NULL;
		} else if (r->backtest->nrows < 5) {
			snprintf(r->backtest_note, sizeof r->backtest_note,
			         "only %zu past releases could be forecast from the ones "
			         "before them (need at least 5)", r->backtest->nrows);
			pc_backtest_free(&r->backtest);
		}
	} else if (!h) {
		snprintf(r->backtest_note, sizeof r->backtest_note,
		         "planned from a model file: no history to backtest");
	}
	*out = r;
	return PC_OK;
nomem:
	pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
fail:
	pc_report_free(&r);
	return err->status;
}

void pc_report_free(pc_report **rp)
{
	pc_report *r = *rp;

	if (!r)
		return;
	if (r->phases)
		for (size_t j = 0; j < r->pm->nphases; j++) {
			free(r->phases[j].days);
			free(r->phases[j].ongoing);
			free(r->phases[j].km_t);
			free(r->phases[j].km_f);
		}
	free(r->phases);
	free(r->occurs);
	pc_plan_free(&r->plan);
	pc_whatif_free(&r->whatif);
	pc_backtest_free(&r->backtest);
	free(r);
	*rp = NULL;
}

/* ------------------------------------------------------------- drawing */

static const char *D(pc_day d, char *buf)
{
	return pc_date_format(d, buf);
}

/* The opening of a chart: the svg element, its text alternative and a
 * visible title.  `xmlns` only matters for a standalone file, but is
 * harmless inline. */
static void svg_open(FILE *out, double h, const char *cls, const char *id,
                     const char *title, const char *desc_fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void svg_open(FILE *out, double h, const char *cls, const char *id,
                     const char *title, const char *desc_fmt, ...)
{
	va_list ap;
	char desc[1024];

	va_start(ap, desc_fmt);
	vsnprintf(desc, sizeof desc, desc_fmt, ap);
	va_end(ap);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" "
	        "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
	        "role=\"img\" aria-labelledby=\"%s-title %s-desc\" "
	        "font-family=\"sans-serif\" font-size=\"12\">\n",
	        cls, W, h, W, h, id, id);
	fprintf(out, "<title id=\"%s-title\">", id);
	pci_xml_text(out, title, 0);
	fprintf(out, "</title>\n<desc id=\"%s-desc\">", id);
	pci_xml_text(out, desc, 0);
	fputs("</desc>\n", out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
	        "fill=\"#fff\"/>\n", W, h);
	fputs("<text x=\"8\" y=\"18\" font-weight=\"bold\" font-size=\"14\">", out);
	pci_xml_text(out, title, 84);
	fputs("</text>\n", out);
}

/* A phase label at the left of a row, cut to fit, the full name in a
 * tooltip. */
static void label(FILE *out, double x, double y, const char *name)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"lbl\"><title>", x, y);
	pci_xml_text(out, name, 0);
	fputs("</title>", out);
	pci_xml_text(out, name, LABEL_CHARS);
	fputs("</text>\n", out);
}

/* One bar of the Gantt chart: P10-P90 range, the P50 bar, and optional
 * phases (occurs < 1) hollow and dashed with their probability. */
static void gantt_row(FILE *out, const pci_axis *a, double y,
                      const pc_plan_dates *s, const pc_plan_dates *f,
                      pc_day start, double occurs, const char *cls)
{
	double r0 = pci_axis_x(a, s ? s->day[0] : start);
	double r1 = pci_axis_x(a, f->day[3] + 1.0);
	double b0 = pci_axis_x(a, s ? s->day[1] : start);
	double b1 = pci_axis_x(a, f->day[1] + 1.0);
	char d0[PC_DATE_BUF], d1[PC_DATE_BUF], d2[PC_DATE_BUF], d3[PC_DATE_BUF];

	if (b1 - b0 < 2)
		b1 = b0 + 2;
	fprintf(out, "<rect class=\"range\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	        "height=\"6\" fill=\"" C_LIGHT "\"/>\n", r0, y + 4, r1 - r0);
	fprintf(out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	        "height=\"14\" ", cls, b0, y, b1 - b0);
	if (occurs < 1)
		fputs("fill=\"#fff\" stroke=\"" C_DARK "\" stroke-width=\"1.5\" "
		      "stroke-dasharray=\"4 2\"", out);
	else
		fputs("fill=\"" C_DARK "\"", out);
	fprintf(out, "><title>P50 %s to %s; P10 start %s, P90 finish %s</title>"
	        "</rect>\n", D(s ? s->day[1] : start, d0), D(f->day[1], d1),
	        D(s ? s->day[0] : start, d2), D(f->day[3], d3));
	if (occurs < 1) {
		double x = r1 + 4 > a->x1 - 80 ? r0 - 4 : r1 + 4;
		fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"%s\">optional, %.0f%%</text>\n", x, y + 11,
		        x < r0 ? "end" : "start", occurs * 100);
	}
}

/* A vertical marker line across the plot with a label at its top. */
static void vline(FILE *out, const pci_axis *a, double x, double y0, double y1,
                  const char *cls, const char *colour, const char *dash,
                  const char *text)
{
	double tw = strlen(text) * 6.2;
	const char *anchor = x + tw / 2 > a->x1 ? "end" : x - tw / 2 < 4 ? "start"
	                     : "middle";

	fprintf(out, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" "
	        "stroke-dasharray=\"%s\"/>\n", cls, x, y0, x, y1, colour, dash);
	fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
	        "text-anchor=\"%s\">%s</text>\n", x, y0 - 4, anchor, text);
}

static void chart_gantt(const pc_report *r, FILE *out)
{
	const pc_plan *p = r->plan;
	const pc_whatif *w = r->whatif;
	size_t rows = p->nphases + 1;
	double top = 48, rh = 24, plot_bottom = top + rows * rh, h = plot_bottom + 62;
	pci_axis a = {p->start, p->finish.day[3], 168, W - 16};
	char b0[PC_DATE_BUF], b1[PC_DATE_BUF], txt[64];

	for (size_t j = 0; j < p->nphases; j++)
		if (p->phases[j].start.day[0] < a.d0)
			a.d0 = p->phases[j].start.day[0];
	if (r->o.has_deadline && r->o.deadline > a.d1)
		a.d1 = r->o.deadline;
	for (size_t j = 0; j < w->nphases; j++)
		if (!w->phases[j].no_checkpoint && w->phases[j].checkpoint > a.d1)
			a.d1 = w->phases[j].checkpoint;
	a.d1 += 2;
	svg_open(out, h, "gantt", "gantt", "Suggested plan",
	         "Gantt chart of %zu phases starting %s: each bar runs from the "
	         "P50 start to the P50 finish, the thin band from the P10 start to "
	         "the P90 finish; the release is done by %s at P50 and %s at P80.",
	         p->nphases, D(p->start, b0), D(p->finish.day[1], b1),
	         D(p->finish.day[2], txt));
	pci_axis_draw(out, &a, plot_bottom + 4, top - 6);
	for (size_t j = 0; j < p->nphases; j++) {
		double y = top + j * rh;
		label(out, 8, y + 11, p->phases[j].phase);
		gantt_row(out, &a, y, &p->phases[j].start, &p->phases[j].finish,
		          p->start, r->occurs[j], "bar");
		if (j < w->nphases && !w->phases[j].no_checkpoint &&
		    !w->phases[j].skipped) {
			double x = pci_axis_x(&a, w->phases[j].checkpoint + 1.0);
			fprintf(out, "<path class=\"checkpoint\" d=\"M%.1f %.1fl5 7l-5 7"
			        "l-5 -7z\" fill=\"" C_MARK "\" stroke=\"#000\">"
			        "<title>checkpoint: finish by %s</title></path>\n",
			        x, y, D(w->phases[j].checkpoint, b0));
		}
	}
	label(out, 8, top + p->nphases * rh + 11, "release");
	gantt_row(out, &a, top + p->nphases * rh, NULL, &p->finish, p->start, 1,
	          "release");
	if (r->o.has_deadline) {
		snprintf(txt, sizeof txt, "deadline %s", D(r->o.deadline, b0));
		vline(out, &a, pci_axis_x(&a, r->o.deadline + 1.0), top - 6,
		      plot_bottom, "deadline", C_LINE, "6 3", txt);
	}
	/* the legend */
	double ly = h - 14;
	fprintf(out, "<g class=\"legend\"><rect x=\"8\" y=\"%.0f\" width=\"18\" "
	        "height=\"10\" fill=\"" C_DARK "\"/><text x=\"30\" y=\"%.0f\">P50 "
	        "start to finish</text>", ly - 9, ly);
	fprintf(out, "<rect x=\"160\" y=\"%.0f\" width=\"18\" height=\"6\" "
	        "fill=\"" C_LIGHT "\"/><text x=\"182\" y=\"%.0f\">P10 start to P90 "
	        "finish</text>", ly - 7, ly);
	fprintf(out, "<path d=\"M340 %.0fl5 7l-5 7l-5 -7z\" fill=\"" C_MARK "\" "
	        "stroke=\"#000\"/><text x=\"350\" y=\"%.0f\">checkpoint (%.0f%% "
	        "for %s)</text></g>\n", ly - 12, ly, w->confidence * 100,
	        D(r->target, b0));
	fputs("</svg>\n", out);
}

/* The first day by which the curve reaches level u: the finish's
 * u-quantile under the scenario the curve was drawn for. */
static pc_day curve_quantile(const pc_whatif *w, double u)
{
	for (size_t i = 0; i < w->ncurve; i++)
		if (w->curve[i] >= u)
			return w->curve_from + (pc_day)i;
	return w->curve_from + (pc_day)(w->ncurve ? w->ncurve - 1 : 0);
}

static void chart_curve(const pc_report *r, FILE *out)
{
	const pc_whatif *w = r->whatif;
	double top = 40, bottom = 250, h = 290;
	pci_axis a = {w->curve_from, w->curve_from + (pc_day)(w->ncurve ? w->ncurve - 1 : 0),
	              56, W - 16};
	char b0[PC_DATE_BUF], b1[PC_DATE_BUF], b2[PC_DATE_BUF], b3[PC_DATE_BUF];
	char b4[PC_DATE_BUF];
	static const int lv[] = {1, 2, 3};

	if (r->o.has_deadline && r->o.deadline > a.d1)
		a.d1 = r->o.deadline + 1;
	if (r->o.has_deadline && r->o.deadline < a.d0)
		a.d0 = r->o.deadline - 1;
	svg_open(out, h, "curve", "curve", "Probability of release by date",
	         "Cumulative probability that the release is finished by each "
	         "date, from %s to %s: P50 %s, P80 %s, P90 %s.",
	         D(a.d0, b0), D(a.d1, b1), D(curve_quantile(w, 0.5), b2),
	         D(curve_quantile(w, 0.8), b3), D(curve_quantile(w, 0.9), b4));
	pci_axis_draw(out, &a, bottom, top);
	for (int k = 0; k <= 4; k++) {
		double y = bottom - k * (bottom - top) / 4;
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#ddd\"/><text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">%d%%</text>\n", a.x0, y, a.x1, y,
		        a.x0 - 4, y + 4, k * 25);
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	        "stroke=\"#333\"/>\n", a.x0, top, a.x0, bottom);
	/* the curve as steps: P(done by the end of day d) holds over day d */
	fputs("<path class=\"curve\" fill=\"none\" stroke=\"" C_DARK "\" "
	      "stroke-width=\"2.5\" d=\"", out);
	fprintf(out, "M%.1f %.1f", a.x0, bottom);
	for (size_t i = 0; i < w->ncurve; i++) {
		double x = pci_axis_x(&a, (double)(w->curve_from + (pc_day)i) + 1.0);
		double y = bottom - w->curve[i] * (bottom - top);
		fprintf(out, "V%.1fH%.1f", y, x);
	}
	fprintf(out, "H%.1f\"/>\n", a.x1);
	for (int k = 0; k < 3; k++) {
		int q = lv[k];
		pc_day day = curve_quantile(w, pc_plan_pct[q]);
		double x = pci_axis_x(&a, day + 1.0);
		double y = bottom - pc_plan_pct[q] * (bottom - top);
		/* a label left of a point near the axis would leave the plot */
		int right = x - a.x0 < 110;
		fprintf(out, "<line class=\"level\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		        "y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"2 2\"/>",
		        a.x0, y, x, y);
		fprintf(out, "<circle class=\"level-mark\" cx=\"%.1f\" cy=\"%.1f\" "
		        "r=\"4\" fill=\"#fff\" stroke=\"#000\"/>", x, y);
		/* labels left of the point keep clear of the curve and the edge */
		fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"%s\">P%d %s</text>\n", right ? x + 8 : x - 8,
		        right ? y + 12 : y - 4, right ? "start" : "end",
		        (int)lround(pc_plan_pct[q] * 100), D(day, b0));
	}
	if (r->o.has_deadline) {
		/* labelled at the foot, clear of the level labels above */
		double x = pci_axis_x(&a, r->o.deadline + 1.0);
		int left = a.x1 - x < 150;
		fprintf(out, "<line class=\"deadline\" x1=\"%.1f\" y1=\"%.1f\" "
		        "x2=\"%.1f\" y2=\"%.1f\" stroke=\"" C_LINE "\" stroke-width=\"2\" "
		        "stroke-dasharray=\"6 3\"/>\n", x, top, x, bottom);
		fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" "
		        "x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">deadline %s: %.0f%%"
		        "</text>\n", left ? x - 5 : x + 5, bottom - 8,
		        left ? "end" : "start", D(r->o.deadline, b0),
		        w->deadlines[0].p * 100);
	}
	fputs("</svg>\n", out);
}

/* One phase's fitted CDF over its Kaplan-Meier curve, at vertical offset
 * y0 of a chart (the history chart stacks them, the page has one each). */
static void phase_heading(const pc_report *r, size_t j, char *txt, size_t n)
{
	const pc_report_phase *ph = r->phases + j;
	snprintf(txt, n, " \xE2\x80\x94 %s fit, n=%zu, %zu running, gap %.2f",
	         r->pm->nodes[j].fit.family->name, ph->n,
	         ph->censored, ph->ks);
}

static void phase_panel(const pc_report *r, size_t j, FILE *out, double y0,
                        int heading)
{
	const pc_report_phase *ph = r->phases + j;
	const pc_plan_node *node = r->pm->nodes + j;
	const pc_family *f = node->fit.family;
	double top = y0 + 30, bottom = y0 + 180, x0 = 56, x1 = W - 16;
	double xmax = 1, ymax = 1;
	char txt[256];

	for (size_t i = 0; i < ph->n; i++)
		if (ph->days[i] > xmax)
			xmax = ph->days[i];
	if (f->quantile) {
		double q = f->quantile(0.99, node->fit.params);
		if (isfinite(q) && q > xmax && q < 4 * xmax)
			xmax = q;
	}
	xmax = ceil(xmax * 1.05) + 1;
	fputs("<g class=\"phase\">\n", out);
	if (heading) {
		fprintf(out, "<text x=\"8\" y=\"%.0f\" font-weight=\"bold\">", y0 + 16);
		pci_xml_text(out, node->phase, 40);
		phase_heading(r, j, txt, sizeof txt);
		pci_xml_text(out, txt, 0);
		fputs("</text>\n", out);
	}
	/* axes: days across, share finished up */
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	        "stroke=\"#333\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\" stroke=\"#333\"/>\n", x0, bottom, x1, bottom, x0, top,
	        x0, bottom);
	{
		double step = 1;
		static const double steps[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 500,
		                               1000, 2000, 5000, 0};
		for (int i = 0; steps[i]; i++)
			if (xmax / steps[i] <= 10) {
				step = steps[i];
				break;
			}
		for (double t = 0; t <= xmax; t += step) {
			double x = x0 + t / xmax * (x1 - x0);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			        "stroke=\"#ddd\"/><text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
			        "text-anchor=\"middle\">%.0f</text>\n", x, top, x, bottom,
			        x, bottom + 14, t);
		}
		fprintf(out, "<text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">days</text>\n", x1, bottom + 28);
	}
	for (int k = 0; k <= 2; k++) {
		double y = bottom - k * (bottom - top) / 2;
		fprintf(out, "<text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">%d%%</text>\n", x0 - 4, y + 4, k * 50);
	}
	/* fitted CDF, sampled finely; x stands for round(x) days */
	fputs("<path class=\"fitted\" fill=\"none\" stroke=\"" C_DARK "\" "
	      "stroke-width=\"2\" d=\"", out);
	for (int i = 0; i <= 200; i++) {
		double t = xmax * i / 200.0;
		double F = t <= 0 ? 0 : f->cdf(t, node->fit.params);
		if (!isfinite(F))
			F = 0;
		fprintf(out, "%s%.1f %.1f", i ? "L" : "M", x0 + t / xmax * (x1 - x0),
		        bottom - F / ymax * (bottom - top));
	}
	fputs("\"/>\n", out);
	/* Kaplan-Meier steps, black and dashed */
	fputs("<path class=\"empirical\" fill=\"none\" stroke=\"#000\" "
	      "stroke-width=\"1.5\" stroke-dasharray=\"5 3\" d=\"", out);
	fprintf(out, "M%.1f %.1f", x0, bottom);
	for (size_t k = 0; k < ph->nkm; k++) {
		double x = x0 + ph->km_t[k] / xmax * (x1 - x0);
		fprintf(out, "H%.1fV%.1f", x, bottom - ph->km_f[k] * (bottom - top));
	}
	fprintf(out, "H%.1f\"/>\n", x1);
	/* running phases: a tick at the time they have lasted so far */
	for (size_t i = 0; i < ph->n; i++)
		if (ph->ongoing[i]) {
			double x = x0 + ph->days[i] / xmax * (x1 - x0);
			fprintf(out, "<path class=\"censored\" d=\"M%.1f %.1fv8\" "
			        "stroke=\"" C_LINE "\" stroke-width=\"2\"/>\n", x, bottom - 4);
		}
	fprintf(out, "<g class=\"legend\"><path d=\"M%.0f %.0fh20\" stroke=\"" C_DARK
	        "\" stroke-width=\"2\"/><text x=\"%.0f\" y=\"%.0f\">fitted</text>"
	        "<path d=\"M%.0f %.0fh20\" stroke=\"#000\" stroke-dasharray=\"5 3\"/>"
	        "<text x=\"%.0f\" y=\"%.0f\">Kaplan-Meier</text></g>\n",
	        x1 - 250, top + 100, x1 - 226, top + 104, x1 - 150, top + 100,
	        x1 - 126, top + 104);
	fputs("</g>\n", out);
}

static void chart_history_one(const pc_report *r, size_t j, FILE *out)
{
	char id[32], title[320], tail[200];
	const char *name = r->pm->nodes[j].phase;
	size_t len = strlen(name);

	/* the phase's name, cut to 40 characters, then the fit (svg_open
	 * escapes the whole title) */
	phase_heading(r, j, tail, sizeof tail);
	if (pci_utf8_len(name) > 40) {
		const char *c = name;
		unsigned cp;
		for (int k = 0; k < 39; k++)
			c += pci_utf8_next(c, &cp);
		len = (size_t)(c - name);
	}
	snprintf(title, sizeof title, "%.*s%s%s", (int)len, name,
	         len < strlen(name) ? "\xE2\x80\xA6" : "", tail);
	snprintf(id, sizeof id, "history-%zu", j);
	svg_open(out, 220, "history", id, title,
	         "Share of past %s phases finished within each number of days: "
	         "the fitted %s distribution (solid) over the Kaplan-Meier "
	         "estimate (dashed) of %zu durations, %zu still running.",
	         r->pm->nodes[j].phase, r->pm->nodes[j].fit.family->name,
	         r->phases[j].n, r->phases[j].censored);
	phase_panel(r, j, out, 0, 0);
	fputs("</svg>\n", out);
}

static void chart_history_all(const pc_report *r, FILE *out)
{
	size_t n = r->pm->nphases;
	svg_open(out, 30 + 200.0 * n, "history", "history", "Phase histories",
	         "For each of %zu phases, the share of past phases finished within "
	         "each number of days: the fitted distribution (solid) over the "
	         "Kaplan-Meier estimate (dashed).", n);
	for (size_t j = 0; j < n; j++)
		phase_panel(r, j, out, 24 + 200.0 * j, 1);
	fputs("</svg>\n", out);
}

static void chart_drivers(const pc_report *r, FILE *out)
{
	const pc_whatif *w = r->whatif;
	double top = 56, rh = 22, bottom = top + w->nphases * rh, h = bottom + 34;
	double ax0 = 168, ax1 = 440, bx0 = 480, bx1 = W - 16, bz = (bx0 + bx1) / 2;
	double span = bx1 - bz - 34;

	svg_open(out, h, "drivers", "drivers", "What drives the finish",
	         "For each of %zu phases: criticality, the share of simulated "
	         "releases in which the phase is on the chain that sets the "
	         "finish (left), and the rank correlation of its duration with the "
	         "release finish (right).", w->nphases);
	fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.0f\" y=\"40\">criticality "
	        "(0-100%%)</text><text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.0f\" y=\"40\">"
	        "correlation with the finish (-1 to 1)</text>\n", ax0, bx0);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	        "stroke=\"#333\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\" stroke=\"#333\"/>\n", ax0, top - 4, ax0, bottom, bz,
	        top - 4, bz, bottom);
	/* scales under both panels */
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	        "stroke=\"#333\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\" stroke=\"#333\"/>\n", ax0, bottom, ax1 - 36, bottom,
	        bz - span, bottom, bz + span, bottom);
	for (int k = 0; k <= 4; k++) {
		double xa = ax0 + k / 4.0 * (ax1 - ax0 - 36);
		double xb = bz + (k - 2) / 2.0 * span;
		fprintf(out, "<text class=\"tick\" font-size=\"11\" fill=\"#333\" "
		        "x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d%%</text>"
		        "<text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" "
		        "y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", xa, bottom + 14,
		        k * 25, xb, bottom + 14, (k - 2) / 2.0);
	}
	for (size_t j = 0; j < w->nphases; j++) {
		const pc_whatif_phase *ph = w->phases + j;
		double y = top + j * rh, c = ph->criticality, rho = ph->correlation;
		label(out, 8, y + 11, ph->phase);
		fprintf(out, "<rect class=\"crit\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		        "height=\"12\" fill=\"" C_DARK "\"><title>%.0f%%</title></rect>"
		        "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\">%.0f%%</text>\n",
		        ax0, y + 1, c * (ax1 - ax0 - 36), c * 100,
		        ax0 + c * (ax1 - ax0 - 36) + 3, y + 11, c * 100);
		if (isfinite(rho)) {
			double x = bz + rho * span;
			fprintf(out, "<rect class=\"corr\" x=\"%.1f\" y=\"%.1f\" "
			        "width=\"%.1f\" height=\"12\" fill=\"" C_GREEN "\"/>"
			        "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
			        "text-anchor=\"%s\">%.2f</text>\n", rho < 0 ? x : bz, y + 1,
			        fabs(x - bz), rho < 0 ? bz + 3 : x + 3, y + 11,
			        "start", rho);
		}
	}
	fputs("</svg>\n", out);
}

static void chart_reliability(const pc_report *r, FILE *out)
{
	const pc_backtest *b = r->backtest;
	double x0 = 70, x1 = 430, top = 40, bottom = 330, h = 370;

	svg_open(out, h, "reliability", "reliability", "How much to trust it",
	         "Backtest of %zu past releases forecast from the ones before "
	         "them: for each forecast level (10%% to 90%%; P50, P80 and P90 "
	         "labelled) the share of releases that finished on or before it; "
	         "a reliable forecast lies on the diagonal.", b->nrows);
	for (int k = 0; k <= 4; k++) {
		double t = k / 4.0, x = x0 + t * (x1 - x0), y = bottom - t * (bottom - top);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#ddd\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		        "y2=\"%.1f\" stroke=\"#ddd\"/>", x0, y, x1, y, x, top, x, bottom);
		fprintf(out, "<text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">%d%%</text><text class=\"tick\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" "
		        "y=\"%.1f\" text-anchor=\"middle\">%d%%</text>\n", x0 - 4,
		        y + 4, k * 25, x, bottom + 14, k * 25);
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	        "stroke=\"#777\" stroke-dasharray=\"4 3\"/>\n", x0, bottom, x1, top);
	fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
	        "text-anchor=\"middle\">forecast level</text>"
	        "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 "
	        "%.1f)\" text-anchor=\"middle\">share on or before it</text>\n",
	        (x0 + x1) / 2, bottom + 32, (top + bottom) / 2, (top + bottom) / 2);
	fputs("<path class=\"reliability\" fill=\"none\" stroke=\"" C_DARK "\" "
	      "stroke-width=\"2\" d=\"", out);
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
		fprintf(out, "%s%.1f %.1f", l ? "L" : "M",
		        x0 + (l + 1) / 10.0 * (x1 - x0),
		        bottom - b->reliability[l] * (bottom - top));
	fputs("\"/>\n", out);
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
		fprintf(out, "<circle class=\"level\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		        "fill=\"" C_DARK "\"><title>%d%% level: %.0f%% on or before it"
		        "</title></circle>\n", x0 + (l + 1) / 10.0 * (x1 - x0),
		        bottom - b->reliability[l] * (bottom - top), (l + 1) * 10,
		        b->reliability[l] * 100);
	for (int q = 0; q < PC_BACKTEST_NQ; q++) {
		double x = x0 + pc_backtest_q[q] * (x1 - x0);
		double y = bottom - b->hit[q] * (bottom - top);
		fprintf(out, "<circle class=\"hit\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
		        "fill=\"" C_DARK "\"/><text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">P%.0f: %.0f%%</text>\n", x, y, x - 8, y + 4,
		        pc_backtest_q[q] * 100, b->hit[q] * 100);
	}
	fprintf(out, "<text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"470\" y=\"80\">%zu releases "
	        "forecast</text><text class=\"note\" font-size=\"11\" fill=\"#333\" x=\"470\" y=\"98\">mean "
	        "error of P50: %+.1f days</text><text class=\"note\" font-size=\"11\" "
	        "fill=\"#333\" x=\"470\" y=\"116\">CRPS %.1f days (the naive plan: "
	        "%.1f)</text>\n", b->nrows, b->mean_error_p50, b->crps, b->naive_crps);
	fputs("</svg>\n", out);
}

int pc_report_svg(const pc_report *r, pc_report_chart chart, FILE *out,
                  pc_error *err)
{
	if (chart == PC_CHART_HISTORY && !r->phases)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "the history chart needs "
		                    "the store's history (not a model file)");
	if (chart == PC_CHART_RELIABILITY && !r->backtest)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "no backtest to chart: %s",
		                    r->backtest_note[0] ? r->backtest_note : "not run");
	if ((unsigned)chart >= PC_CHART_COUNT)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "unknown chart %d", (int)chart);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	switch (chart) {
	case PC_CHART_GANTT: chart_gantt(r, out); break;
	case PC_CHART_CURVE: chart_curve(r, out); break;
	case PC_CHART_HISTORY: chart_history_all(r, out); break;
	case PC_CHART_DRIVERS: chart_drivers(r, out); break;
	default: chart_reliability(r, out); break;
	}
	if (ferror(out))
		return pc_error_set(err, PC_EIO, NULL, 0, "cannot write the chart");
	return PC_OK;
}

/* ---------------------------------------------------------------- page */

static json_t *jdate(pc_day d)
{
	char b[PC_DATE_BUF];
	return json_string(pc_date_format(d, b));
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(round(v * 1e4) / 1e4) : json_null();
}

/* A string from the data as JSON: jansson wants UTF-8, which names from
 * a CSV need not be, so invalid bytes become U+FFFD first. */
static json_t *jstr(const char *s)
{
	char *buf, *o;
	json_t *j;
	unsigned cp;

	if (!s)
		return json_null();
	buf = malloc(strlen(s) * 3 + 1);
	if (!buf)
		return NULL;
	for (o = buf; *s;) {
		s += pci_utf8_next(s, &cp);
		o += pci_utf8_encode(cp, o);
	}
	*o = 0;
	j = json_string(buf);
	free(buf);
	return j;
}

static json_t *jdates(const pc_plan_dates *d)
{
	json_t *o = json_object();
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		json_object_set_new(o, pc_plan_pct_names[q], jdate(d->day[q]));
	return o;
}

/* The report's numbers, for tests and for anyone who wants them. */
static json_t *report_json(const pc_report *r)
{
	const pc_plan *p = r->plan;
	const pc_whatif *w = r->whatif;
	json_t *o = json_object(), *ph = json_array(), *sl = json_array();

	json_object_set_new(o, "customer", jstr(r->o.customer));
	json_object_set_new(o, "start", jdate(p->start));
	json_object_set_new(o, "seed", json_integer((json_int_t)p->seed));
	json_object_set_new(o, "iterations", json_integer((json_int_t)p->iterations));
	json_object_set_new(o, "confidence", jnum(w->confidence));
	json_object_set_new(o, "finish", jdates(&p->finish));
	json_object_set_new(o, "target", jdate(r->target));
	if (r->o.has_deadline) {
		json_t *d = json_object();
		json_object_set_new(d, "date", jdate(r->o.deadline));
		json_object_set_new(d, "p", jnum(w->deadlines[0].p));
		json_object_set_new(d, "se", jnum(w->deadlines[0].se));
		if (w->has_ci)
			json_object_set_new(d, "ci95", json_pack("[o o]",
			                    jnum(w->deadlines[0].ci[0]),
			                    jnum(w->deadlines[0].ci[1])));
		json_object_set_new(o, "deadline", d);
	}
	for (size_t j = 0; j < p->nphases; j++) {
		json_t *e = json_object();
		json_object_set_new(e, "phase", jstr(p->phases[j].phase));
		json_object_set_new(e, "start", jdates(&p->phases[j].start));
		json_object_set_new(e, "finish", jdates(&p->phases[j].finish));
		json_object_set_new(e, "occurs", jnum(r->occurs[j]));
		if (j < w->nphases) {
			json_object_set_new(e, "checkpoint", w->phases[j].no_checkpoint
			                    ? json_null() : jdate(w->phases[j].checkpoint));
			json_object_set_new(e, "criticality", jnum(w->phases[j].criticality));
			json_object_set_new(e, "correlation", jnum(w->phases[j].correlation));
		}
		if (r->phases) {
			const pc_report_phase *rp = r->phases + j;
			json_object_set_new(e, "n", json_integer((json_int_t)rp->n));
			json_object_set_new(e, "censored", json_integer((json_int_t)rp->censored));
			json_object_set_new(e, "family", json_string(r->pm->nodes[j].fit.family->name));
			json_object_set_new(e, "ks", jnum(rp->ks));
		}
		json_array_append_new(ph, e);
	}
	json_object_set_new(o, "phases", ph);
	for (size_t k = 0; k < w->nslots; k++) {
		const pc_whatif_slot *s = w->slots + k;
		json_t *e = json_object();
		json_object_set_new(e, "phase", jstr(s->phase));
		json_object_set_new(e, "date", jdate(s->date));
		json_object_set_new(e, "p_on_time", jnum(s->p_on_time));
		if (s->searched) {
			json_object_set_new(e, "feasible", json_boolean(s->feasible));
			json_object_set_new(e, "best_date", jdate(s->best_date));
			json_object_set_new(e, "best_p", jnum(s->best_p));
		}
		json_array_append_new(sl, e);
	}
	json_object_set_new(o, "slots", sl);
	if (r->backtest) {
		json_t *b = json_object(), *hit = json_object();
		json_object_set_new(b, "releases", json_integer((json_int_t)r->backtest->nrows));
		for (int q = 0; q < PC_BACKTEST_NQ; q++) {
			char k[8];
			snprintf(k, sizeof k, "p%.0f", pc_backtest_q[q] * 100);
			json_object_set_new(hit, k, jnum(r->backtest->hit[q]));
		}
		json_object_set_new(b, "hit", hit);
		json_object_set_new(o, "backtest", b);
	}
	return o;
}

/* JSON inside a <script> element: "</script>" or "<!--" in a string
 * would end or confuse the element, so < > & are written as \u escapes
 * (they occur only inside strings). */
static int write_json_block(FILE *out, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER |
	                      JSON_REAL_PRECISION(10)) : NULL;

	json_decref(o);
	if (!s)
		return -1;
	for (const char *c = s; *c; c++) {
		if (*c == '<')
			fputs("\\u003c", out);
		else if (*c == '>')
			fputs("\\u003e", out);
		else if (*c == '&')
			fputs("\\u0026", out);
		else
			fputc(*c, out);
	}
	free(s);
	return 0;
}

static const char *CSS =
	"body{font-family:sans-serif;color:#111;max-width:190mm;margin:1em auto;"
	"padding:0 1em;line-height:1.4}\n"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;"
	"border-bottom:1px solid #999;margin-top:1.4em}\n"
	".headline{font-size:1.1em;background:#eef5fb;border-left:4px solid #0072B2;"
	"padding:.5em .8em}\n"
	"svg.chart{display:block;width:100%;height:auto;margin:.4em 0}\n"
	"figure{margin:0 0 1em 0}figcaption{font-size:.9em;color:#333}\n"
	"table{border-collapse:collapse;font-size:.9em;margin:.5em 0}"
	"td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}\n"
	".warn{color:#8a3b00;font-weight:bold}\n"
	"pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;"
	"padding:.5em;font-size:.85em}\n"
	"dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}"
	"dt{font-weight:bold}dd{margin:0;word-break:break-all}\n"
	"@page{margin:12mm}\n"
	"@media print{body{max-width:none;margin:0;padding:0}"
	"section,figure{break-inside:avoid}.headline{background:none}}\n";

static void esc(FILE *out, const char *s)
{
	pci_xml_text(out, s ? s : "", 0);
}

static void headline(const pc_report *r, FILE *out)
{
	const pc_plan *p = r->plan;
	const pc_whatif *w = r->whatif;
	char a[PC_DATE_BUF], b[PC_DATE_BUF];

	fputs("<p class=\"headline\" id=\"headline\">", out);
	if (r->o.customer) {
		fputs("For ", out);
		esc(out, r->o.customer);
		fputs(", the suggested launch is ", out);
	} else {
		fputs("The suggested launch is ", out);
	}
	fprintf(out, "<strong>%s</strong> (even odds, P50), and the release is "
	        "80%% likely to be done by <strong>%s</strong>",
	        D(p->finish.day[1], a), D(p->finish.day[2], b));
	if (r->o.has_deadline) {
		const pc_whatif_deadline *d = w->deadlines;
		fprintf(out, "; the odds of meeting the deadline of %s are "
		        "<strong>%.0f%%</strong>", D(d->deadline, a), d->p * 100);
		if (w->has_ci)
			fprintf(out, " (95%% interval %.0f%% to %.0f%%, from the %zu past "
			        "projects resampled)", d->ci[0] * 100, d->ci[1] * 100,
			        r->h ? r->h->nprojects : (size_t)0);
	}
	for (size_t k = 0; k < w->nslots; k++) {
		const pc_whatif_slot *sl = w->slots + k;
		fputs(k ? ", " : r->o.has_deadline ? "; every date and the odds on this "
		      "page have " : "; every date on this page has ", out);
		esc(out, sl->phase);
		fprintf(out, " booked for %s", D(sl->date, a));
		/* the search's best is simulated even when it falls short */
		if (sl->searched && !sl->feasible)
			fprintf(out, " (its best booking, though none keeps %.0f%% odds)",
			        w->confidence * 100);
	}
	fputs(".</p>\n", out);
}

static void phase_caption(const pc_report *r, size_t j, FILE *out)
{
	const pc_report_phase *ph = r->phases + j;
	const pc_phase_model *f = &r->pm->nodes[j].fit;

	fputs("<figcaption>", out);
	esc(out, ph->phase);
	fprintf(out, ": %zu past durations, %zu still running (Kaplan-Meier "
	        "counts them as lasting at least so far)", ph->n, ph->censored);
	if (r->pm->drift_per_day != 0)
		fprintf(out, ", each scaled by the releases' trend to a project "
		        "starting %s, as the plan learned them",
		        D(r->pm->drift_to, (char[PC_DATE_BUF]){0}));
	if (r->pm->half_life > 0)
		fprintf(out, "; the fit weighs recent projects more (half-life %g "
		        "%s), the curve counts all alike", r->pm->half_life,
		        r->pm->half_life_days ? "days" : "projects");
	fprintf(out, "; fitted %s (", f->family->name);
	for (int i = 0; i < f->family->nparams; i++)
		fprintf(out, "%s%s %.4g", i ? ", " : "", f->family->param_names[i],
		        f->params[i]);
	fprintf(out, "), median %.1f days, P80 %.1f days; largest distance to "
	        "the empirical curve %.2f%s.", f->median, f->p80, ph->ks,
	        ph->ks > 0.2 ? " (a poor fit)" : "");
	if (ph->thin)
		fprintf(out, " <span class=\"warn\">Thin data: only %zu finished "
		        "durations, so its range is pooled with the other phases'."
		        "</span>", ph->n - ph->censored);
	if (isfinite(ph->trend))
		fprintf(out, " <span class=\"warn\">Trend: its durations have %s by "
		        "%.1f days a year over the history (Mann-Kendall p %.2g)%s</span>",
		        ph->trend > 0 ? "grown" : "shrunk", fabs(ph->trend), ph->trend_p,
		        r->pm->drift_per_day != 0
		                ? "; the plan adjusts past durations for the releases' trend."
		        : r->pm->half_life > 0 ? "; the plan weighs recent projects more."
		        : ", but old and recent projects count alike in the plan.");
	fputs("</figcaption>\n", out);
}

static void tables(const pc_report *r, FILE *out)
{
	const pc_whatif *w = r->whatif;
	char a[PC_DATE_BUF], b[PC_DATE_BUF];

	fprintf(out, "<h3>Checkpoints</h3>\n<p>Finish each phase by its "
	        "checkpoint to keep %.0f%% odds for %s%s.</p>\n", w->confidence * 100,
	        D(r->target, a), r->o.has_deadline ? " (the deadline)"
	        : " (the P80 finish; no deadline was given)");
	fputs("<table class=\"checkpoints\"><tr><th>phase</th><th>finish by</th>"
	      "<th>criticality</th><th>correlation with the finish</th></tr>\n", out);
	for (size_t j = 0; j < w->nphases; j++) {
		const pc_whatif_phase *ph = w->phases + j;
		fputs("<tr><td>", out);
		esc(out, ph->phase);
		if (ph->skipped)
			fputs("</td><td>skipped", out);
		else if (ph->no_checkpoint)
			fputs("</td><td>none keeps the odds", out);
		else
			fprintf(out, "</td><td>%s", D(ph->checkpoint, a));
		fprintf(out, "</td><td>%.0f%%</td><td>", ph->criticality * 100);
		if (isfinite(ph->correlation))
			fprintf(out, "%.2f", ph->correlation);
		else
			fputs("-", out);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	if (!w->nslots) {
		fputs("<p>No slot was asked about (<code>--slot PHASE=best</code> "
		      "finds the best one to book).</p>\n", out);
		return;
	}
	fputs("<h3>Slots</h3>\n<table class=\"slots\"><tr><th>phase</th>"
	      "<th>booking</th><th>odds for the deadline</th><th>best booking</th>"
	      "</tr>\n", out);
	for (size_t k = 0; k < w->nslots; k++) {
		const pc_whatif_slot *s = w->slots + k;
		fputs("<tr><td>", out);
		esc(out, s->phase);
		fprintf(out, "</td><td>%s", D(s->date, a));
		if (s->searched && !s->feasible)
			fprintf(out, " (none keeps %.0f%%)", w->confidence * 100);
		fprintf(out, "</td><td>%.0f%%</td><td>", s->p_on_time * 100);
		if (s->searched)
			fprintf(out, "%s (%.0f%%)", D(s->best_date, b), s->best_p * 100);
		else
			fputs("-", out);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void provenance(const pc_report *r, FILE *out)
{
	const pc_plan *p = r->plan;

	fputs("<section id=\"provenance\"><h2>Provenance</h2>\n<dl>", out);
	fputs("<dt>store</dt><dd>", out);
	esc(out, r->o.store ? r->o.store : "-");
	fputs("</dd><dt>reference class</dt><dd>", out);
	esc(out, r->o.reference && r->o.reference[0] ? r->o.reference
	    : "all past projects");
	if (r->h && r->h->class_fallback)
		fprintf(out, " (only %zu matched: the whole history was used)",
		        r->h->class_size);
	fprintf(out, "</dd><dt>projects</dt><dd>%zu</dd>",
	        r->h ? r->h->nprojects : r->pm->nprojects);
	fprintf(out, "<dt>simulation</dt><dd>%llu simulated releases%s; seed %llu; "
	        "durations drawn %s</dd>",
	        (unsigned long long)p->iterations,
	        r->whatif->nslots ? ", with the bookings above" : "",
	        (unsigned long long)p->seed,
	        r->pm->corr_source == PC_PLAN_CORR_UNKNOWN ? "independently (no history)"
	        : p->independent ? "independently" : "jointly (Gaussian copula)");
	fputs("<dt>calendar</dt><dd>", out);
	fputs(r->calendar ? "working days" : "every day counts", out);
	fputs("</dd>", out);
	if (r->o.options && r->o.options[0]) {
		fputs("<dt>options</dt><dd>", out);
		esc(out, r->o.options);
		fputs("</dd>", out);
	}
	fputs("<dt>version</dt><dd>", out);
	esc(out, r->o.version ? r->o.version : "-");
	fputs("</dd></dl>\n", out);
	if (r->o.command) {
		fputs("<p>Make this page again with:</p>\n<pre><code>", out);
		esc(out, r->o.command);
		fputs("</code></pre>\n", out);
	}
	fputs("</section>\n", out);
}

int pc_report_html(const pc_report *r, FILE *out, pc_error *err)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>Release plan", out);
	if (r->o.customer) {
		fputs(" for ", out);
		esc(out, r->o.customer);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n", CSS);
	fputs("<script type=\"application/json\" id=\"report-data\">", out);
	if (write_json_block(out, report_json(r)))
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	fputs("</script>\n</head>\n<body>\n<h1>Release plan", out);
	if (r->o.customer) {
		fputs(" for ", out);
		esc(out, r->o.customer);
	}
	fputs("</h1>\n", out);
	headline(r, out);
	fputs("<section id=\"plan\"><h2>Suggested plan</h2>\n", out);
	chart_gantt(r, out);
	fputs("</section>\n<section id=\"finish\"><h2>When will it be released?"
	      "</h2>\n", out);
	chart_curve(r, out);
	fputs("</section>\n<section id=\"histories\"><h2>Each phase's history</h2>\n",
	      out);
	if (r->phases) {
		for (size_t j = 0; j < r->pm->nphases; j++) {
			fputs("<figure>\n", out);
			chart_history_one(r, j, out);
			phase_caption(r, j, out);
			fputs("</figure>\n", out);
		}
	} else {
		fputs("<p>Planned from a model file: no past durations to show.</p>\n",
		      out);
	}
	fputs("</section>\n<section id=\"drivers\"><h2>What drives the finish</h2>\n",
	      out);
	chart_drivers(r, out);
	tables(r, out);
	fputs("</section>\n<section id=\"trust\"><h2>How much to trust it</h2>\n",
	      out);
	if (r->backtest) {
		fprintf(out, "<p>Each of the last %zu finished releases was forecast "
		        "from the releases before it; a forecast level is honest when "
		        "that share of releases finished on or before it.</p>\n",
		        r->backtest->nrows);
		chart_reliability(r, out);
	} else {
		fputs("<p>No backtest: ", out);
		esc(out, r->backtest_note[0] ? r->backtest_note : "not asked for");
		fputs(".</p>\n", out);
	}
	fputs("</section>\n", out);
	provenance(r, out);
	fputs("</body>\n</html>\n", out);
	if (ferror(out))
		return pc_error_set(err, PC_EIO, NULL, 0, "cannot write the report");
	return PC_OK;
}
