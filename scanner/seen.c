/*
 * scanner/seen.c - the sharded seen-set and its hash table
 *
 * The shard is chosen from the last byte of the id and the slot from its
 * first eight, so the two are independent. Tables grow at 50% load.
 */
#include "seen.h"

#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "errors.h"

#define SEEN_SHARDS 64

static size_t
key_hash(const uint8_t *key)
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	return (size_t)h;
}

void *
ks_idset_get(const struct ks_idset *set, const uint8_t *key)
{
	size_t i;

	if (!set->cap)
		return NULL;
	for (i = key_hash(key) & (set->cap - 1); set->slots[i];
	    i = (i + 1) & (set->cap - 1))
		if (memcmp(set->slots[i], key, set->keylen) == 0)
			return set->slots[i];
	return NULL;
}

static void
place(void **slots, size_t cap, void *entry)
{
	size_t i = key_hash(entry) & (cap - 1);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = entry;
}

int
ks_idset_put(struct ks_idset *set, void *entry)
{
	if ((set->len + 1) * 2 > set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64, i;
		void **slots = ks__calloc(cap, sizeof(void *));

		if (!slots)
			return KS_ENOMEM;
		for (i = 0; i < set->cap; i++)
			if (set->slots[i])
				place(slots, cap, set->slots[i]);
		ks__free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	place(set->slots, set->cap, entry);
	set->len++;
	return 0;
}

void
ks_idset_dispose(struct ks_idset *set, void (*dispose)(void *entry))
{
	size_t i;

	if (dispose)
		for (i = 0; i < set->cap; i++)
			if (set->slots[i])
				dispose(set->slots[i]);
	ks__free(set->slots);
	set->slots = NULL;
	set->cap = set->len = 0;
}

struct seen_shard {
	pthread_mutex_t lock;
	pthread_cond_t published;
	struct ks_idset set;
};

struct ks_seen {
	struct seen_shard shards[SEEN_SHARDS];
};

static void
entry_free(void *p)
{
	struct ks_seen_entry *e = p;

	ks__free(e->matches);
	ks__free(e);
}

int
ks_seen_new(struct ks_seen **out)
{
	struct ks_seen *s;
	size_t i;

	*out = NULL;
	if ((s = ks__calloc(1, sizeof(*s))) == NULL)
		return KS_ENOMEM;
	for (i = 0; i < SEEN_SHARDS; i++) {
		pthread_mutex_init(&s->shards[i].lock, NULL);
		pthread_cond_init(&s->shards[i].published, NULL);
		s->shards[i].set = (struct ks_idset)KS_IDSET_INIT(KS_SHA1_LEN);
	}
	*out = s;
	return 0;
}

void
ks_seen_free(struct ks_seen *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < SEEN_SHARDS; i++) {
		ks_idset_dispose(&s->shards[i].set, entry_free);
		pthread_mutex_destroy(&s->shards[i].lock);
		pthread_cond_destroy(&s->shards[i].published);
	}
	ks__free(s);
}

int
ks_seen_claim(struct ks_seen *s, const uint8_t oid[KS_SHA1_LEN],
    struct ks_seen_entry **out)
{
	struct seen_shard *sh = &s->shards[oid[KS_SHA1_LEN - 1] % SEEN_SHARDS];
	struct ks_seen_entry *e;
	int error = 0;

	*out = NULL;
	pthread_mutex_lock(&sh->lock);
	if ((e = ks_idset_get(&sh->set, oid)) != NULL) {
		while (e->state == KS_SEEN_PENDING)
			pthread_cond_wait(&sh->published, &sh->lock);
		*out = e;
		goto done;
	}
	if ((e = ks__calloc(1, sizeof(*e))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	memcpy(e->oid, oid, KS_SHA1_LEN);
	e->state = KS_SEEN_PENDING;
	if ((error = ks_idset_put(&sh->set, e)) < 0) {
		ks__free(e);
		goto done;
	}
	*out = e;
	error = 1;
done:
	pthread_mutex_unlock(&sh->lock);
	return error;
}

void
ks_seen_publish(struct ks_seen *s, struct ks_seen_entry *e,
    enum ks_seen_state state)
{
	struct seen_shard *sh = &s->shards[e->oid[KS_SHA1_LEN - 1] %
	    SEEN_SHARDS];

	pthread_mutex_lock(&sh->lock);
	e->state = state;
	pthread_cond_broadcast(&sh->published);
	pthread_mutex_unlock(&sh->lock);
}
