/*
 * gen-sample.c - write the bundled sample history (datasets/sample.csv).
 *
 * The sample is synthetic but built like the real thing, so that fitting,
 * planning and backtests have something with known truth to chew on:
 *
 *  - phase durations are right-skewed (lognormal, gamma, Weibull; a
 *    different shape per phase) and scaled by the customer's tier;
 *  - phases overlap (load_test_plan starts while requirements is still
 *    running, fixes while load_test is, launch_readiness before fixes ends);
 *  - one customer is slow or fast across all its phases and projects: a
 *    Gaussian copula with a customer-level latent factor, so every marginal
 *    stays exactly the stated family while durations are correlated;
 *  - phases still running on the --as-of date have an empty end and status
 *    ongoing, and phases not started by then are left out.
 *
 * datasets/README.md states every number below; change both together.
 * The output depends only on the seed: GSL's MT19937 and the draw order
 * here are fixed, so `make regen-sample` rewrites sample.csv byte for byte.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <precedent/date.h>

#define DEFAULT_SEED 20261101UL
#define DEFAULT_AS_OF "2026-11-01"

/* Correlation of the normal scores of any two phase durations of the same
 * customer (Gaussian copula). */
#define RHO 0.5

enum family { LOGNORMAL, GAMMA, WEIBULL };

/*
 * How phase i starts, relative to the phases before it:
 *   AFTER_PREV      the day after phase i-1 ends (finish-to-start);
 *   INSIDE_PREV     `frac` of the way through phase i-1 (start-to-start,
 *                   so it overlaps phase i-1: a negative lag to its end);
 *   AFTER_BOTH      the day after the later of phases i-1 and i-2 ends;
 *   AFTER_GAP       the day after phase i-1 ends plus a wait drawn from an
 *                   exponential with mean `frac` days, rounded down;
 *   OVERLAP_BOTH    `frac` days before the later of phases i-1 and i-2
 *                   ends, but not before phase i-1 starts.
 */
enum link { AFTER_PREV, INSIDE_PREV, AFTER_BOTH, AFTER_GAP, OVERLAP_BOTH };

static const struct phase {
	const char *name;
	enum family family;
	double p1, p2;   /* lognormal: mu, sigma (log-days); gamma: shape,
	                  * scale (days); Weibull: shape, scale (days) */
	enum link link;
	double frac;
} phases[] = {
	{"kickoff",          LOGNORMAL, 0.693147, 0.5, AFTER_PREV,   0},
	{"requirements",     GAMMA,     2.5,      8.0, AFTER_PREV,   0},
	{"load_test_plan",   WEIBULL,   1.5,     12.0, INSIDE_PREV,  0.6},
	{"plan_signoff",     LOGNORMAL, 1.386294, 0.8, AFTER_BOTH,   0},
	{"load_test",        GAMMA,     4.0,      4.0, AFTER_GAP,    3.0},
	{"fixes",            WEIBULL,   1.2,     14.0, INSIDE_PREV,  0.5},
	{"launch_readiness", LOGNORMAL, 1.791759, 0.4, OVERLAP_BOTH, 2.0},
	{"launch",           GAMMA,     1.5,      1.0, AFTER_PREV,   0},
};
#define NPHASES (sizeof phases / sizeof *phases)

/* Tier multiplies every continuous duration (its scale parameter). */
static const struct tier {
	const char *name;
	double factor;      /* duration multiplier */
	double users_med;   /* median licensed users (lognormal, sigma 0.6) */
} tiers[] = {
	{"enterprise", 1.35, 15000},
	{"midmarket",  1.00, 1500},
	{"smb",        0.70, 120},
};
static const double tier_probs[] = {0.25, 0.40, 0.35};
#define NTIERS (sizeof tiers / sizeof *tiers)

static const char *const regions[] = {"na", "emea", "apac", "latam"};
static const double region_probs[] = {0.40, 0.30, 0.20, 0.10};
#define NREGIONS (sizeof regions / sizeof *regions)

/* Fictional customers; any resemblance to real firms is accidental.  One
 * name carries a comma so the importer's CSV quoting gets exercised. */
static const char *const customers[] = {
	"Alder Freight", "Bluewater Clinics", "Brightline Insurance",
	"Cedar Ridge Foods", "Copperleaf Retail", "Crescent Bank",
	"Driftwood Hotels", "Eastgate Logistics", "Elmstead Pharmacy",
	"Fairhaven Utilities", "Fernhill Media", "Foxglove Cosmetics",
	"Granite Peak Outdoor", "Greywell Telecom", "Harbourlight Travel",
	"Hartwell Manufacturing", "Hazelmoor Schools", "Ironbridge Energy",
	"Juniper Health", "Kestrel Airlines", "Lakeshore Credit Union",
	"Larkspur Fashion", "Linden Property", "Maplewood Grocers",
	"Marigold Pet Supplies", "Meridian Payroll", "Millbrook Dairy",
	"Northwind Parcel", "Oakhurst Furniture", "Old Quay Breweries",
	"Orchard Lane Bakeries", "Pinecrest Realty", "Quarry Hill Construction",
	"Redfern Legal", "Riverbend Ticketing", "Rookwood Games",
	"Saltmarsh Seafood", "Sandpiper Bikes", "Silverbirch Wealth",
	"Southfield Motors", "Stonecroft Hospitals", "Summerset Cinemas",
	"Tallow & Wick Candles", "Thornbury Books", "Tidewater Ports",
	"Upland Farms", "Valemont Wines", "Waverley Gyms", "Westbrook Council",
	"Whitlock Engineering", "Willowdale Care Homes", "Windmere Energy",
	"Wrenfield Toys", "Yarrow Garden Centres", "Ashcombe Opticians",
	"Birchwood Dental", "Blackthorn Security", "Calloway Shipping",
	"Dunmore Steel", "Evergreen Charities", "Hale, Moss & Partners",
	"Kingsway Taxis", "Moorgate Accountancy", "Nettlebed Outfitters",
};
#define NCUSTOMERS (sizeof customers / sizeof *customers)

static const char *const products[] = {
	"checkout", "portal", "mobile-app", "billing", "analytics", "booking",
	"support-desk", "loyalty",
};
#define NPRODUCTS (sizeof products / sizeof *products)

/* Probability that a customer has a second project, which starts 30 to
 * 200 days after the first one's launch ends. */
#define P_SECOND 0.4

struct span {
	pc_day start, end;
	int planned;     /* planned duration, days */
};

/* Index of a draw from the categorical distribution probs[0..n-1]. */
static size_t pick(const gsl_rng *r, const double *probs, size_t n)
{
	double u = gsl_rng_uniform(r), acc = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		acc += probs[i];
		if (u < acc)
			return i;
	}
	return n - 1;
}

/* Quantile of phase p's continuous duration (days) for a tier factor. */
static double quantile(const struct phase *p, double u, double factor)
{
	switch (p->family) {
	case LOGNORMAL:
		return gsl_cdf_lognormal_Pinv(u, p->p1 + log(factor), p->p2);
	case GAMMA:
		return gsl_cdf_gamma_Pinv(u, p->p1, p->p2 * factor);
	case WEIBULL:
		/* GSL's Weibull takes (scale, shape). */
		return gsl_cdf_weibull_Pinv(u, p->p2 * factor, p->p1);
	}
	return 1;
}

/* Draw one project's phases.  The whole chain is drawn even where the
 * as-of date will hide its tail, so the random stream (and so every later
 * customer) does not depend on the as-of date. */
static void draw_project(const gsl_rng *r, double latent, double factor,
                         pc_day start, struct span *s)
{
	for (size_t i = 0; i < NPHASES; i++) {
		const struct phase *p = &phases[i];
		double z = sqrt(RHO) * latent + sqrt(1 - RHO) * gsl_ran_ugaussian(r);
		double u = gsl_cdf_ugaussian_P(z);
		double x, plan;
		pc_day from = start;
		int d;

		if (u < 1e-12)
			u = 1e-12;
		if (u > 1 - 1e-12)
			u = 1 - 1e-12;
		x = quantile(p, u, factor);
		d = (int)ceil(x);
		if (d < 1)
			d = 1;
		/* The team plans on 80% of the typical (median) duration, with
		 * some noise: plans are usually optimistic. */
		plan = 0.8 * quantile(p, 0.5, factor) * exp(0.2 * gsl_ran_ugaussian(r));
		s[i].planned = plan < 1 ? 1 : (int)lround(plan);

		if (i > 0) {
			const struct span *a = &s[i - 1];
			pc_day later = i > 1 && s[i - 2].end > a->end ? s[i - 2].end : a->end;

			switch (p->link) {
			case AFTER_PREV:
				from = a->end + 1;
				break;
			case INSIDE_PREV:
				from = a->start + (pc_day)floor(p->frac * (a->end - a->start + 1));
				break;
			case AFTER_BOTH:
				from = later + 1;
				break;
			case AFTER_GAP:
				from = a->end + 1 + (pc_day)floor(gsl_ran_exponential(r, p->frac));
				break;
			case OVERLAP_BOTH:
				from = later - (pc_day)p->frac;
				if (from < a->start)
					from = a->start;
				break;
			}
		}
		s[i].start = from;
		s[i].end = from + d - 1;
	}
}

/* Quote a CSV field only when it needs it (RFC 4180). */
static void put_field(const char *f)
{
	if (!strpbrk(f, ",\"\r\n")) {
		fputs(f, stdout);
		return;
	}
	putchar('"');
	for (; *f; f++) {
		if (*f == '"')
			putchar('"');
		putchar(*f);
	}
	putchar('"');
}

static void put_project(const char *customer, const char *project,
                        const char *tier, const char *region, long users,
                        const struct span *s, pc_day as_of)
{
	char a[PC_DATE_BUF], b[PC_DATE_BUF], c[PC_DATE_BUF];

	for (size_t i = 0; i < NPHASES; i++) {
		int done = s[i].end <= as_of;

		if (s[i].start > as_of)
			break; /* starts are non-decreasing: the rest is later */
		put_field(customer);
		printf(",%s,%s,%s,%s,%s,%s,%s,%ld,%s\n", project, phases[i].name,
		       pc_date_format(s[i].start, a),
		       done ? pc_date_format(s[i].end, b) : "",
		       done ? "done" : "ongoing", tier, region, users,
		       pc_date_format(s[i].start + s[i].planned - 1, c));
	}
}

/* The first weekday on or after d: projects are kicked off on workdays. */
static pc_day weekday_on_or_after(pc_day d)
{
	while (pc_date_weekday(d) >= 5)
		d++;
	return d;
}

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: gen-sample [--seed N] [--as-of YYYY-MM-DD]\n"
	        "Write the synthetic sample history as CSV on stdout.\n"
	        "Defaults: --seed %lu --as-of %s (those make datasets/sample.csv).\n",
	        DEFAULT_SEED, DEFAULT_AS_OF);
}

int main(int argc, char **argv)
{
	enum { OPT_SEED = CHAR_MAX + 1, OPT_AS_OF, OPT_HELP };
	static const struct option longopts[] = {
		{"seed", required_argument, NULL, OPT_SEED},
		{"as-of", required_argument, NULL, OPT_AS_OF},
		{"help", no_argument, NULL, OPT_HELP},
		{NULL, 0, NULL, 0}
	};
	unsigned long seed = DEFAULT_SEED;
	const char *as_of_s = DEFAULT_AS_OF;
	pc_day as_of, first_day, last_day;
	gsl_rng *r;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;

		switch (c) {
		case OPT_SEED: /* --seed */
			seed = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0') {
				fprintf(stderr, "gen-sample: --seed: '%s' is not a number\n", optarg);
				return 2;
			}
			break;
		case OPT_AS_OF: /* --as-of */
			as_of_s = optarg;
			break;
		case OPT_HELP: /* --help */
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || pc_date_parse(as_of_s, &as_of)) {
		usage(stderr);
		return 2;
	}

	r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return 1;
	gsl_rng_set(r, seed);

	/* First projects start on a workday from 2023-01-02 to 2026-10-20. */
	first_day = pc_date_from_ymd(2023, 1, 2);
	last_day = pc_date_from_ymd(2026, 10, 20);

	printf("customer,project,phase,start,end,status,tier,region,users,planned_end\n");
	for (size_t k = 0; k < NCUSTOMERS; k++) {
		size_t t = pick(r, tier_probs, NTIERS);
		size_t g = pick(r, region_probs, NREGIONS);
		long users = lround(tiers[t].users_med * exp(0.6 * gsl_ran_ugaussian(r)));
		double latent = gsl_ran_ugaussian(r);
		size_t prod1 = gsl_rng_uniform_int(r, NPRODUCTS);
		size_t prod2 = (prod1 + 1 + gsl_rng_uniform_int(r, NPRODUCTS - 1)) % NPRODUCTS;
		pc_day start1 = weekday_on_or_after(first_day +
			(pc_day)gsl_rng_uniform_int(r, (unsigned long)(last_day - first_day + 1)));
		int second = gsl_rng_uniform(r) < P_SECOND;
		pc_day gap = 30 + (pc_day)gsl_rng_uniform_int(r, 171);
		struct span s1[NPHASES], s2[NPHASES];
		char name1[64], name2[64];
		int y, m, d;

		if (users < 5)
			users = 5;
		draw_project(r, latent, tiers[t].factor, start1, s1);
		pc_date_to_ymd(start1, &y, &m, &d);
		snprintf(name1, sizeof name1, "%s-%d", products[prod1], y);
		put_project(customers[k], name1, tiers[t].name, regions[g],
		            users, s1, as_of);

		/* The second project is always drawn, to keep the stream fixed. */
		{
			pc_day start2 = weekday_on_or_after(s1[NPHASES - 1].end + gap);

			draw_project(r, latent, tiers[t].factor, start2, s2);
			if (second && start2 <= as_of) {
				pc_date_to_ymd(start2, &y, &m, &d);
				snprintf(name2, sizeof name2, "%s-%d", products[prod2], y);
				put_project(customers[k], name2, tiers[t].name,
				            regions[g], users, s2, as_of);
			}
		}
	}
	gsl_rng_free(r);
	if (fflush(stdout) || ferror(stdout)) {
		perror("gen-sample: stdout");
		return 1;
	}
	return 0;
}
