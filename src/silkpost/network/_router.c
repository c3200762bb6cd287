/* The router's search in C: earliest arrival (A* over landmarks) and Pareto plans.
 *
 * Python compiles a network's timetable for a horizon into flat arrays (timetable.py) and
 * hands them over through the buffer protocol; times are whole seconds since the Unix epoch,
 * rounded up by the caller so that no plan found here is infeasible in exact time. A node's
 * working windows (from the one working-hours rule in workhours.py) arrive as sorted
 * [open, close] pairs; a node without windows is always open. A lookup that runs past the
 * horizon is remembered, and the answer is flagged incomplete when what was missed could have
 * mattered, so the caller widens the horizon and asks again.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NEVER INT64_MAX
#define UNREACHABLE (INT64_MAX / 4)
#define EPS 1e-9

typedef struct {
    PyObject_HEAD
    Py_buffer views[10];
    int nviews;
    Py_ssize_t n_nodes, n_services;
    const int32_t *out_start, *out_svc, *svc_from, *svc_to;
    const int64_t *svc_ride, *dep_start, *dep_times;
    const int32_t *win_start;
    const int64_t *win_open, *win_close;
    int64_t horizon_end;
} Graph;

/* ---- lookups ------------------------------------------------------------------------------ */

/* First departure of service s at or after t; -1 (and *past = 1) when the horizon has none. */
static inline int64_t next_departure(const Graph *g, int32_t s, int64_t t, int *past) {
    int64_t lo = g->dep_start[s], hi = g->dep_start[s + 1];
    const int64_t *d = g->dep_times;
    while (lo < hi) {
        int64_t mid = (lo + hi) >> 1;
        if (d[mid] < t) lo = mid + 1; else hi = mid;
    }
    if (lo == g->dep_start[s + 1]) { *past = 1; return -1; }
    return d[lo];
}

/* When work starts on what arrives at node v at t: t inside a window, else the next opening. */
static inline int64_t work_starts(const Graph *g, int32_t v, int64_t t, int *past) {
    int32_t lo = g->win_start[v], hi = g->win_start[v + 1], end = hi;
    if (lo == hi) return t;
    while (lo < hi) {
        int32_t mid = (lo + hi) >> 1;
        if (g->win_close[mid] < t) lo = mid + 1; else hi = mid;
    }
    if (lo == end) { *past = 1; return -1; }
    return g->win_open[lo] > t ? g->win_open[lo] : t;
}

/* ---- a binary heap of (key, tie, item) ------------------------------------------------------ */

typedef struct { int64_t key, tie; int32_t item; } Entry;
typedef struct { Entry *a; Py_ssize_t n, cap; } Heap;

static int heap_push(Heap *h, int64_t key, int64_t tie, int32_t item) {
    if (h->n == h->cap) {
        Py_ssize_t cap = h->cap ? h->cap * 2 : 1024;
        Entry *a = realloc(h->a, (size_t)cap * sizeof(Entry));
        if (!a) return -1;
        h->a = a; h->cap = cap;
    }
    Py_ssize_t i = h->n++;
    Entry e = {key, tie, item};
    while (i > 0) {
        Py_ssize_t p = (i - 1) / 2;
        Entry *q = &h->a[p];
        if (q->key < key || (q->key == key && q->tie <= tie)) break;
        h->a[i] = *q; i = p;
    }
    h->a[i] = e;
    return 0;
}

static Entry heap_pop(Heap *h) {
    Entry top = h->a[0], last = h->a[--h->n];
    Py_ssize_t i = 0, n = h->n;
    for (;;) {
        Py_ssize_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (h->a[c + 1].key < h->a[c].key ||
                          (h->a[c + 1].key == h->a[c].key && h->a[c + 1].tie < h->a[c].tie)))
            c++;
        if (last.key < h->a[c].key || (last.key == h->a[c].key && last.tie <= h->a[c].tie))
            break;
        h->a[i] = h->a[c]; i = c;
    }
    if (n) h->a[i] = last;
    return top;
}

/* ---- lower bounds -------------------------------------------------------------------------- */

typedef struct {
    const int64_t *from, *to;  /* k rows of n: ride-time distance from / to each landmark */
    int k;
    Py_ssize_t n;
    int32_t dest;
} Bounds;

/* A lower bound on the ride time from v to the destination, or UNREACHABLE. */
static int64_t lower_bound(const Bounds *b, int32_t v) {
    int64_t best = 0;
    for (int l = 0; l < b->k; l++) {
        const int64_t *to = b->to + (Py_ssize_t)l * b->n, *from = b->from + (Py_ssize_t)l * b->n;
        int64_t tv = to[v], td = to[b->dest], fd = from[b->dest], fv = from[v];
        if (tv >= UNREACHABLE && td < UNREACHABLE) return UNREACHABLE;  /* d reaches l, v not */
        if (fv < UNREACHABLE && fd >= UNREACHABLE) return UNREACHABLE;  /* l reaches v, not d */
        if (tv < UNREACHABLE && td < UNREACHABLE && tv - td > best) best = tv - td;
        if (fd < UNREACHABLE && fv < UNREACHABLE && fd - fv > best) best = fd - fv;
    }
    return best;
}

static int64_t cached_bound(const Bounds *b, int64_t *cache, int32_t v) {
    if (cache[v] < 0) cache[v] = lower_bound(b, v);
    return cache[v];
}

/* ---- Graph --------------------------------------------------------------------------------- */

static void Graph_dealloc(Graph *self) {
    for (int i = 0; i < self->nviews; i++) PyBuffer_Release(&self->views[i]);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static const void *take_view(Graph *self, PyObject *obj, Py_ssize_t itemsize, Py_ssize_t count,
                             const char *name) {
    Py_buffer *v = &self->views[self->nviews];
    if (PyObject_GetBuffer(obj, v, PyBUF_C_CONTIGUOUS) < 0) return NULL;
    self->nviews++;
    if (v->len != itemsize * count) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes, expected %zd", name, v->len,
                     itemsize * count);
        return NULL;
    }
    return v->buf;
}

/* Graph(n_nodes, n_services, n_departures, n_windows, out_start, out_svc, svc_from, svc_to,
 *       svc_ride, dep_start, dep_times, win_start, win_open, win_close, horizon_end) */
static int Graph_init(Graph *self, PyObject *args, PyObject *kwds) {
    PyObject *o[10];
    Py_ssize_t n, s, ndep, nwin;
    long long end;
    (void)kwds;
    if (self->nviews) { PyErr_SetString(PyExc_TypeError, "already initialised"); return -1; }
    if (!PyArg_ParseTuple(args, "nnnnOOOOOOOOOOL", &n, &s, &ndep, &nwin, &o[0], &o[1], &o[2],
                          &o[3], &o[4], &o[5], &o[6], &o[7], &o[8], &o[9], &end))
        return -1;
    self->n_nodes = n; self->n_services = s; self->horizon_end = end;
    if (!(self->out_start = take_view(self, o[0], 4, n + 1, "out_start"))) return -1;
    if (!(self->out_svc = take_view(self, o[1], 4, s, "out_svc"))) return -1;
    if (!(self->svc_from = take_view(self, o[2], 4, s, "svc_from"))) return -1;
    if (!(self->svc_to = take_view(self, o[3], 4, s, "svc_to"))) return -1;
    if (!(self->svc_ride = take_view(self, o[4], 8, s, "svc_ride"))) return -1;
    if (!(self->dep_start = take_view(self, o[5], 8, s + 1, "dep_start"))) return -1;
    if (!(self->dep_times = take_view(self, o[6], 8, ndep, "dep_times"))) return -1;
    if (!(self->win_start = take_view(self, o[7], 4, n + 1, "win_start"))) return -1;
    if (!(self->win_open = take_view(self, o[8], 8, nwin, "win_open"))) return -1;
    if (!(self->win_close = take_view(self, o[9], 8, nwin, "win_close"))) return -1;
    return 0;
}

/* What a constraint set (regime, goods, excluded modes) changes: the services allowed, the
 * delay before a parcel can leave each node, and the landmark distances on those services. */
typedef struct { Py_buffer allowed, delay, lm_from, lm_to; int k; } Profile;

static void release_profile(Profile *p) {
    if (p->allowed.obj) PyBuffer_Release(&p->allowed);
    if (p->delay.obj) PyBuffer_Release(&p->delay);
    if (p->lm_from.obj) PyBuffer_Release(&p->lm_from);
    if (p->lm_to.obj) PyBuffer_Release(&p->lm_to);
}

static int parse_profile(Graph *g, PyObject *const *a, int k, Profile *p) {
    memset(p, 0, sizeof(*p));
    p->k = k;
    Py_ssize_t n = g->n_nodes;
    if (PyObject_GetBuffer(a[0], &p->allowed, PyBUF_C_CONTIGUOUS) < 0 ||
        PyObject_GetBuffer(a[1], &p->delay, PyBUF_C_CONTIGUOUS) < 0 ||
        PyObject_GetBuffer(a[2], &p->lm_from, PyBUF_C_CONTIGUOUS) < 0 ||
        PyObject_GetBuffer(a[3], &p->lm_to, PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    if (k < 0 || p->allowed.len != g->n_services || p->delay.len != 8 * n ||
        p->lm_from.len != 8 * n * k || p->lm_to.len != 8 * n * k) {
        PyErr_SetString(PyExc_ValueError, "profile arrays do not fit the graph");
        return -1;
    }
    return 0;
}

static int check_nodes(Graph *g, Py_ssize_t o, Py_ssize_t d) {
    if (o < 0 || o >= g->n_nodes || d < 0 || d >= g->n_nodes) {
        PyErr_SetString(PyExc_IndexError, "node index out of range");
        return -1;
    }
    return 0;
}

/* The legs of a path as [(service, departure), ...], origin first, from a walk that went
 * backwards: svc/dep hold the last leg first. */
static PyObject *legs_list(const int32_t *svc, const int64_t *dep, Py_ssize_t count) {
    PyObject *list = PyList_New(count);
    if (!list) return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *pair = Py_BuildValue("(iL)", svc[count - 1 - i], (long long)dep[count - 1 - i]);
        if (!pair) { Py_DECREF(list); return NULL; }
        PyList_SET_ITEM(list, i, pair);
    }
    return list;
}

typedef struct { int32_t *svc; int64_t *dep; Py_ssize_t n, cap; } Path;

static int path_add(Path *p, int32_t s, int64_t dep) {
    if (p->n == p->cap) {
        Py_ssize_t cap = p->cap ? p->cap * 2 : 16;
        int32_t *s2 = realloc(p->svc, (size_t)cap * sizeof(int32_t));
        if (!s2) return -1;
        p->svc = s2;
        int64_t *d2 = realloc(p->dep, (size_t)cap * sizeof(int64_t));
        if (!d2) return -1;
        p->dep = d2; p->cap = cap;
    }
    p->svc[p->n] = s; p->dep[p->n] = dep; p->n++;
    return 0;
}

/* earliest(origin, destination, ready, allowed, delay, lm_from, lm_to, k)
 *   -> (arrival or None, incomplete, [(service, departure), ...]) */
static PyObject *Graph_earliest(Graph *g, PyObject *args) {
    Py_ssize_t o, d;
    long long ready;
    PyObject *a[4];
    int k;
    if (!PyArg_ParseTuple(args, "nnLOOOOi", &o, &d, &ready, &a[0], &a[1], &a[2], &a[3], &k))
        return NULL;
    if (check_nodes(g, o, d) < 0) return NULL;
    Profile p;
    if (parse_profile(g, a, k, &p) < 0) { release_profile(&p); return NULL; }
    const uint8_t *allowed = p.allowed.buf;
    const int64_t *delay = p.delay.buf;
    Bounds b = {p.lm_from.buf, p.lm_to.buf, k, g->n_nodes, (int32_t)d};
    Py_ssize_t n = g->n_nodes;
    int64_t *best = malloc((size_t)n * sizeof(int64_t));
    int64_t *bound = malloc((size_t)n * sizeof(int64_t));
    int64_t *via_dep = malloc((size_t)n * sizeof(int64_t));
    int32_t *via_svc = malloc((size_t)n * sizeof(int32_t));
    Heap heap = {0};
    Path path = {0};
    PyObject *result = NULL;
    if (!best || !bound || !via_dep || !via_svc) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) { best[i] = NEVER; bound[i] = -1; via_svc[i] = -1; }
    int past = 0;
    int64_t target = NEVER, arrival = NEVER;
    best[o] = ready;
    if (o == d) {
        arrival = ready;
    } else if (heap_push(&heap, ready + cached_bound(&b, bound, (int32_t)o), ready,
                         (int32_t)o) < 0) {
        PyErr_NoMemory(); goto done;
    }
    while (arrival == NEVER && heap.n) {
        Entry e = heap_pop(&heap);
        int32_t u = e.item;
        int64_t at = e.tie;
        if (at > best[u]) continue;
        if (u == d) { arrival = at; break; }
        for (int32_t j = g->out_start[u]; j < g->out_start[u + 1]; j++) {
            int32_t s = g->out_svc[j];
            if (!allowed[s]) continue;
            int64_t dep = next_departure(g, s, at, &past);
            if (dep < 0) continue;
            int32_t v = g->svc_to[s];
            int64_t next = dep + g->svc_ride[s];
            if (v == d) {
                if (next < target) target = next;
            } else {
                if (cached_bound(&b, bound, v) >= UNREACHABLE) continue;
                int64_t w = work_starts(g, v, next, &past);
                if (w < 0) continue;
                next = w + delay[v];
            }
            if (next < best[v] && next <= target) {
                best[v] = next; via_svc[v] = s; via_dep[v] = dep;
                if (heap_push(&heap, next + cached_bound(&b, bound, v), next, v) < 0) {
                    PyErr_NoMemory(); goto done;
                }
            }
        }
    }
    int incomplete = past && (arrival == NEVER || arrival > g->horizon_end);
    if (arrival != NEVER) {
        for (Py_ssize_t v = d; v != o; v = g->svc_from[via_svc[v]]) {
            if (path_add(&path, via_svc[v], via_dep[v]) < 0) { PyErr_NoMemory(); goto done; }
        }
    }
    PyObject *legs = legs_list(path.svc, path.dep, path.n);
    if (!legs) goto done;
    if (arrival == NEVER)
        result = Py_BuildValue("(OiN)", Py_None, incomplete, legs);
    else
        result = Py_BuildValue("(LiN)", (long long)arrival, incomplete, legs);
done:
    free(best); free(bound); free(via_dep); free(via_svc); free(heap.a);
    free(path.svc); free(path.dep);
    release_profile(&p);
    return result;
}

/* ---- Pareto -------------------------------------------------------------------------------- */

typedef struct {
    int64_t time, dep;   /* ready time at the node (arrival at the destination); departure */
    double cost;
    int32_t legs, node, parent, svc, next;  /* next: the next label in the node's bag */
    uint8_t alive;
} Label;

typedef struct { Label *a; Py_ssize_t n, cap; } Labels;

static int32_t label_add(Labels *ls, Label l) {
    if (ls->n == ls->cap) {
        Py_ssize_t cap = ls->cap ? ls->cap * 2 : 4096;
        if (cap > INT32_MAX) return -1;
        Label *a = realloc(ls->a, (size_t)cap * sizeof(Label));
        if (!a) return -1;
        ls->a = a; ls->cap = cap;
    }
    ls->a[ls->n] = l;
    return (int32_t)ls->n++;
}

static inline int dominates(int64_t t1, double c1, int32_t l1, int64_t t2, double c2,
                            int32_t l2) {
    return t1 <= t2 && c1 <= c2 + EPS && l1 <= l2;
}

typedef struct { double cost; int32_t legs; } Cut;  /* what a lookup past the horizon missed */

static Labels *sort_ctx;
static int cmp_found_plain(const void *x, const void *y) {
    const Label *a = &sort_ctx->a[*(const int32_t *)x], *b = &sort_ctx->a[*(const int32_t *)y];
    if (a->time != b->time) return a->time < b->time ? -1 : 1;
    if (a->cost != b->cost) return a->cost < b->cost ? -1 : 1;
    return (a->legs > b->legs) - (a->legs < b->legs);
}

/* pareto(origin, destination, ready, allowed, delay, lm_from, lm_to, k, per_kg, per_shipment,
 *        weight, latest, budget)
 *   -> (incomplete, [(arrival, cost, [(service, departure), ...]), ...] by arrival) */
static PyObject *Graph_pareto(Graph *g, PyObject *args) {
    Py_ssize_t o, d;
    long long ready, latest;
    PyObject *a[4], *kg_obj, *ship_obj;
    int k;
    double weight, budget;
    if (!PyArg_ParseTuple(args, "nnLOOOOiOOdLd", &o, &d, &ready, &a[0], &a[1], &a[2], &a[3], &k,
                          &kg_obj, &ship_obj, &weight, &latest, &budget))
        return NULL;
    if (check_nodes(g, o, d) < 0) return NULL;
    Profile p;
    Py_buffer kg = {0}, ship = {0};
    if (parse_profile(g, a, k, &p) < 0) { release_profile(&p); return NULL; }
    if (PyObject_GetBuffer(kg_obj, &kg, PyBUF_C_CONTIGUOUS) < 0 ||
        PyObject_GetBuffer(ship_obj, &ship, PyBUF_C_CONTIGUOUS) < 0 ||
        kg.len != 8 * g->n_services || ship.len != 8 * g->n_services) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "price arrays do not fit");
        if (kg.obj) PyBuffer_Release(&kg);
        if (ship.obj) PyBuffer_Release(&ship);
        release_profile(&p);
        return NULL;
    }
    const uint8_t *allowed = p.allowed.buf;
    const int64_t *delay = p.delay.buf;
    const double *per_kg = kg.buf, *per_shipment = ship.buf;
    Bounds b = {p.lm_from.buf, p.lm_to.buf, k, g->n_nodes, (int32_t)d};
    Py_ssize_t n = g->n_nodes;
    int32_t *bag = malloc((size_t)n * sizeof(int32_t));
    int64_t *bound = malloc((size_t)n * sizeof(int64_t));
    Labels ls = {0};
    Heap heap = {0};
    Cut *cuts = NULL;
    Py_ssize_t ncuts = 0, capcuts = 0;
    int32_t *order = NULL;
    Path path = {0};
    PyObject *result = NULL, *plans = NULL;
    if (!bag || !bound) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) { bag[i] = -1; bound[i] = -1; }
    Label start = {ready, -1, 0.0, 0, (int32_t)o, -1, -1, -1, 1};
    int32_t first = label_add(&ls, start);
    if (first < 0) { PyErr_NoMemory(); goto done; }
    bag[o] = first;
    int64_t seq = 0;
    if (o != d && heap_push(&heap, ready + cached_bound(&b, bound, (int32_t)o), seq++, first) < 0) {
        PyErr_NoMemory(); goto done;
    }
    while (heap.n) {
        Entry e = heap_pop(&heap);
        Label cur = ls.a[e.item];
        if (!cur.alive) continue;
        int64_t h = cached_bound(&b, bound, cur.node);
        int pruned = 0;
        for (int32_t f = bag[d]; f >= 0 && !pruned; f = ls.a[f].next) {
            Label *x = &ls.a[f];
            if (x->alive && dominates(x->time, x->cost, x->legs, cur.time + h, cur.cost,
                                      cur.legs + 1))
                pruned = 1;
        }
        if (pruned) continue;
        int32_t u = cur.node, legs = cur.legs + 1;
        for (int32_t j = g->out_start[u]; j < g->out_start[u + 1]; j++) {
            int32_t s = g->out_svc[j];
            if (!allowed[s]) continue;
            double price = cur.cost + per_kg[s] * weight + per_shipment[s];
            int past = 0;
            int64_t dep = next_departure(g, s, cur.time, &past);
            int32_t v = g->svc_to[s];
            int64_t next = dep < 0 ? -1 : dep + g->svc_ride[s];
            if (next >= 0 && v != d) {
                if (cached_bound(&b, bound, v) >= UNREACHABLE) continue;
                int64_t w = work_starts(g, v, next, &past);
                next = w < 0 ? -1 : w + delay[v];
            }
            if (past) {  /* what it missed arrives after the horizon: could it count? */
                if (g->horizon_end > latest || price > budget) continue;
                if (ncuts == capcuts) {
                    capcuts = capcuts ? capcuts * 2 : 64;
                    Cut *c2 = realloc(cuts, (size_t)capcuts * sizeof(Cut));
                    if (!c2) { PyErr_NoMemory(); goto done; }
                    cuts = c2;
                }
                cuts[ncuts].cost = price; cuts[ncuts].legs = legs; ncuts++;
                continue;
            }
            if (next > latest || price > budget) continue;
            int dominated = 0;
            int32_t *link = &bag[v];
            while (*link >= 0) {  /* drop dead labels from the bag as it is walked */
                Label *x = &ls.a[*link];
                if (!x->alive) { *link = x->next; continue; }
                if (dominates(x->time, x->cost, x->legs, next, price, legs)) { dominated = 1; break; }
                link = &x->next;
            }
            if (dominated) continue;
            for (int32_t x = bag[v]; x >= 0; x = ls.a[x].next) {
                Label *y = &ls.a[x];
                if (y->alive && dominates(next, price, legs, y->time, y->cost, y->legs))
                    y->alive = 0;
            }
            Label nl = {next, dep, price, legs, v, e.item, s, bag[v], 1};
            int32_t id = label_add(&ls, nl);
            if (id < 0) { PyErr_NoMemory(); goto done; }
            bag[v] = id;
            if (v != d && heap_push(&heap, next + cached_bound(&b, bound, v), seq++, id) < 0) {
                PyErr_NoMemory(); goto done;
            }
        }
    }
    Py_ssize_t nfound = 0;
    for (int32_t f = bag[d]; f >= 0; f = ls.a[f].next) nfound += ls.a[f].alive && f != first;
    order = malloc((size_t)(nfound ? nfound : 1) * sizeof(int32_t));
    if (!order) { PyErr_NoMemory(); goto done; }
    nfound = 0;
    for (int32_t f = bag[d]; f >= 0; f = ls.a[f].next)
        if (ls.a[f].alive && f != first) order[nfound++] = f;
    sort_ctx = &ls;
    qsort(order, (size_t)nfound, sizeof(int32_t), cmp_found_plain);
    /* A lookup past the horizon could only lead to arrivals after it: harmless when a plan
     * found arrives by the horizon's end, no dearer and in no more legs. */
    int incomplete = 0;
    for (Py_ssize_t c = 0; c < ncuts && !incomplete; c++) {
        int covered = 0;
        for (Py_ssize_t i = 0; i < nfound && !covered; i++) {
            Label *x = &ls.a[order[i]];
            covered = x->time <= g->horizon_end && x->cost <= cuts[c].cost + EPS &&
                      x->legs <= cuts[c].legs;
        }
        incomplete = !covered;
    }
    plans = PyList_New(nfound);
    if (!plans) goto done;
    for (Py_ssize_t i = 0; i < nfound; i++) {
        path.n = 0;
        for (int32_t x = order[i]; ls.a[x].parent >= 0; x = ls.a[x].parent) {
            if (path_add(&path, ls.a[x].svc, ls.a[x].dep) < 0) { PyErr_NoMemory(); goto done; }
        }
        PyObject *legs = legs_list(path.svc, path.dep, path.n);
        if (!legs) goto done;
        PyObject *plan = Py_BuildValue("(LdN)", (long long)ls.a[order[i]].time,
                                       ls.a[order[i]].cost, legs);
        if (!plan) goto done;
        PyList_SET_ITEM(plans, i, plan);
    }
    result = Py_BuildValue("(iO)", incomplete, plans);
done:
    Py_XDECREF(plans);
    free(bag); free(bound); free(ls.a); free(heap.a); free(cuts); free(order);
    free(path.svc); free(path.dep);
    PyBuffer_Release(&kg); PyBuffer_Release(&ship);
    release_profile(&p);
    return result;
}

/* ---- landmarks ----------------------------------------------------------------------------- */

/* Ride-time Dijkstra over the allowed services, forwards from or backwards to ``source``. */
static int static_dijkstra(Graph *g, const uint8_t *allowed, const int32_t *in_start,
                           const int32_t *in_svc, int32_t source, int backwards, int64_t *dist) {
    Py_ssize_t n = g->n_nodes;
    Heap heap = {0};
    for (Py_ssize_t i = 0; i < n; i++) dist[i] = UNREACHABLE;
    dist[source] = 0;
    if (heap_push(&heap, 0, 0, source) < 0) return -1;
    while (heap.n) {
        Entry e = heap_pop(&heap);
        int32_t u = e.item;
        if (e.key > dist[u]) continue;
        int32_t lo = backwards ? in_start[u] : g->out_start[u];
        int32_t hi = backwards ? in_start[u + 1] : g->out_start[u + 1];
        for (int32_t j = lo; j < hi; j++) {
            int32_t s = backwards ? in_svc[j] : g->out_svc[j];
            if (!allowed[s] || g->dep_start[s] == g->dep_start[s + 1]) continue;
            int32_t v = backwards ? g->svc_from[s] : g->svc_to[s];
            int64_t nd = e.key + g->svc_ride[s];
            if (nd < dist[v]) {
                dist[v] = nd;
                if (heap_push(&heap, nd, 0, v) < 0) { free(heap.a); return -1; }
            }
        }
    }
    free(heap.a);
    return 0;
}

/* landmarks(allowed, count) -> (from: bytes, to: bytes, k): k rows of n int64 distances from
 * and to far-apart nodes chosen farthest-first (ALT lower bounds). */
static PyObject *Graph_landmarks(Graph *g, PyObject *args) {
    Py_buffer al;
    int count;
    if (!PyArg_ParseTuple(args, "y*i", &al, &count)) return NULL;
    Py_ssize_t n = g->n_nodes, s = g->n_services;
    PyObject *result = NULL;
    int32_t *in_start = calloc((size_t)n + 1, sizeof(int32_t));
    int32_t *in_svc = malloc((size_t)(s ? s : 1) * sizeof(int32_t));
    int32_t *chosen = malloc((size_t)(count > 0 ? count : 1) * sizeof(int32_t));
    int64_t *spread = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *tmp = malloc((size_t)(n ? n : 1) * sizeof(int64_t));
    int64_t *from = NULL, *to = NULL;
    if (al.len != s) { PyErr_SetString(PyExc_ValueError, "allowed does not fit"); goto done; }
    if (!in_start || !in_svc || !chosen || !spread || !tmp) { PyErr_NoMemory(); goto done; }
    const uint8_t *allowed = al.buf;
    for (Py_ssize_t j = 0; j < s; j++) in_start[g->svc_to[j] + 1]++;
    for (Py_ssize_t v = 0; v < n; v++) in_start[v + 1] += in_start[v];
    {
        int32_t *fill = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
        if (!fill) { PyErr_NoMemory(); goto done; }
        memcpy(fill, in_start, (size_t)n * sizeof(int32_t));
        for (Py_ssize_t j = 0; j < s; j++) in_svc[fill[g->svc_to[j]]++] = (int32_t)j;
        free(fill);
    }
    int k = 0;
    if (n > 0 && count > 0) {
        chosen[k++] = 0;
        if (static_dijkstra(g, allowed, in_start, in_svc, 0, 0, spread) < 0) {
            PyErr_NoMemory(); goto done;
        }
        while (k < count && k < n) {
            int32_t far = -1;
            int64_t most = -1;
            for (Py_ssize_t v = 0; v < n; v++)
                if (spread[v] < UNREACHABLE && spread[v] > most) { most = spread[v]; far = (int32_t)v; }
            int again = far < 0;
            for (int i = 0; i < k && !again; i++) again = chosen[i] == far;
            if (again) break;
            chosen[k++] = far;
            if (static_dijkstra(g, allowed, in_start, in_svc, far, 0, tmp) < 0) {
                PyErr_NoMemory(); goto done;
            }
            for (Py_ssize_t v = 0; v < n; v++) if (tmp[v] < spread[v]) spread[v] = tmp[v];
        }
    }
    Py_ssize_t cells = (Py_ssize_t)k * n > 0 ? (Py_ssize_t)k * n : 1;
    from = malloc((size_t)cells * sizeof(int64_t));
    to = malloc((size_t)cells * sizeof(int64_t));
    if (!from || !to) { PyErr_NoMemory(); goto done; }
    for (int i = 0; i < k; i++) {
        if (static_dijkstra(g, allowed, in_start, in_svc, chosen[i], 0, from + (Py_ssize_t)i * n) < 0 ||
            static_dijkstra(g, allowed, in_start, in_svc, chosen[i], 1, to + (Py_ssize_t)i * n) < 0) {
            PyErr_NoMemory(); goto done;
        }
    }
    result = Py_BuildValue("(y#y#i)", (const char *)from, (Py_ssize_t)(8 * k * n),
                           (const char *)to, (Py_ssize_t)(8 * k * n), k);
done:
    free(in_start); free(in_svc); free(chosen); free(spread); free(tmp); free(from); free(to);
    PyBuffer_Release(&al);
    return result;
}

/* ---- module -------------------------------------------------------------------------------- */

static PyMethodDef Graph_methods[] = {
    {"earliest", (PyCFunction)Graph_earliest, METH_VARARGS, "Earliest arrival (A*)."},
    {"pareto", (PyCFunction)Graph_pareto, METH_VARARGS, "Pareto plans (arrival, cost, legs)."},
    {"landmarks", (PyCFunction)Graph_landmarks, METH_VARARGS, "ALT landmark distances."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject GraphType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "silkpost.network._router.Graph",
    .tp_basicsize = sizeof(Graph),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A compiled timetable's arrays, held for searches.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Graph_init,
    .tp_dealloc = (destructor)Graph_dealloc,
    .tp_methods = Graph_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_router", "The router's search, in C.", -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__router(void) {
    if (PyType_Ready(&GraphType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&GraphType);
    if (PyModule_AddObject(m, "Graph", (PyObject *)&GraphType) < 0) {
        Py_DECREF(&GraphType); Py_DECREF(m); return NULL;
    }
    return m;
}
