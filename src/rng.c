/*
 * rng.c - the ziggurat's tables and its rare branches, and seeding (the
 * generator itself is inline in rng.h).
 */
#include <config.h>

#include <math.h>
#include <pthread.h>

#include "rng.h"

/*
 * The layers.  R is the right edge of the lowest rectangle for 256
 * layers (Marsaglia and Tsang's constant, to the double closest to it);
 * every layer, the base strip with its tail included, has the same area
 * V = R f(R) + integral of f beyond R, f(x) = exp(-x^2 / 2) unnormalised.
 * Going up, each layer's top is where the next area V is used up:
 * f(x[i + 1]) = f(x[i]) + V / x[i].  With the right R the last layer
 * ends at f = 1 (test_rng checks that the recursion closes).
 */
#define ZIG_R 3.6541528853610088

double pci_zig_x[PCI_ZIG_LAYERS + 1];
double pci_zig_f[PCI_ZIG_LAYERS + 1];

static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_build(void)
{
	double f = exp(-0.5 * ZIG_R * ZIG_R);
	double v = ZIG_R * f + sqrt(M_PI / 2) * erfc(ZIG_R / M_SQRT2);

	pci_zig_x[0] = v / f; /* the base strip drawn as a rectangle */
	pci_zig_f[0] = 0;
	pci_zig_x[1] = ZIG_R;
	pci_zig_f[1] = f;
	for (int i = 2; i < PCI_ZIG_LAYERS; i++) {
		pci_zig_f[i] = pci_zig_f[i - 1] + v / pci_zig_x[i - 1];
		pci_zig_x[i] = sqrt(-2 * log(pci_zig_f[i]));
	}
	pci_zig_x[PCI_ZIG_LAYERS] = 0;
	pci_zig_f[PCI_ZIG_LAYERS] = 1;
}

/* Marsaglia's tail method (1964): beyond R, x = R + a with a drawn from
 * an exponential proposal and accepted with probability exp(-a^2 / 2). */
static double zig_tail(pci_rng *r)
{
	double a, b;

	do {
		a = -log(pci_rng_uniform_pos(r)) / ZIG_R;
		b = -log(pci_rng_uniform_pos(r));
	} while (b + b < a * a);
	return ZIG_R + a;
}

double pci_rng_normal_slow(pci_rng *r, uint64_t u, double x, unsigned i)
{
	for (;;) {
		if (i == 0) {
			x = zig_tail(r);
			return u & 0x100 ? -x : x;
		}
		/* a wedge: under the curve with probability (f(x) - f(x[i])) /
		 * (f(x[i + 1]) - f(x[i])), a uniform height in the layer */
		if (pci_zig_f[i] + pci_rng_uniform(r) * (pci_zig_f[i + 1] - pci_zig_f[i]) <
		    exp(-0.5 * x * x))
			return u & 0x100 ? -x : x;
		/* rejected: a fresh draw, layer and all */
		u = pci_rng_next(r);
		i = (unsigned)(u & 0xff);
		x = (double)(u >> 11) * 0x1p-53 * pci_zig_x[i];
		if (x < pci_zig_x[i + 1])
			return u & 0x100 ? -x : x;
	}
}

/* splitmix64 (S. Vigna's, from Java's SplittableRandom): the next output
 * of the sequence whose state is *x. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void pci_rng_seed(pci_rng *r, uint64_t seed)
{
	pthread_once(&zig_once, zig_build);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
	/* four splitmix64 outputs are never all zero (it is a bijection of
	 * distinct states), so the state is valid */
}

void pci_rng_set_state(pci_rng *r, const uint64_t s[4])
{
	pthread_once(&zig_once, zig_build);
	for (int i = 0; i < 4; i++)
		r->s[i] = s[i];
}
