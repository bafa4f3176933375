/*
 * MIME parse throughput of GMime 3, the C reference for ops/bench/mime-parse.sh.
 *
 *   gmime-driver --corpus DIR [--iterations N]
 *   gmime-driver --one FILE
 *
 * The same work as ops/bench/mime_parse_python.py:
 * --corpus reads every regular file below DIR (names and directories starting with a dot are
 * skipped) into memory, makes one untimed warm-up pass, then times N passes (default 3). Each
 * message: a GMimeStreamMem over the bytes already in memory (no copy),
 * g_mime_parser_construct_message; the Subject (decoded), From and To
 * (internet_address_list_to_string) and Date (g_mime_message_get_date); then a recursive walk
 * over multiparts and message/rfc822 parts, and for every leaf GMimePart its content fully
 * decoded (base64 / quoted-printable / uuencode) into a fresh GMimeStreamMem with
 * g_mime_data_wrapper_write_to_stream; text parts with a charset parameter go through a
 * charset filter to UTF-8 on the way (what g_mime_text_part_get_text does). A charset iconv
 * cannot open leaves the bytes unconverted; those parts are counted.
 * MB/s is corpus bytes * N / 10^6 / timed wall-clock seconds; messages/s likewise; the cpu_
 * figure divides by the process CPU time instead.
 * --one does the same for one file, once (for a peak-RSS measurement from outside).
 * Prints human lines, then `# results` and `name=value` lines.
 *
 * Build: cc -O2 -o gmime-driver gmime-driver.c $(pkg-config --cflags --libs gmime-3.0)
 */
#include <dirent.h>
#include <errno.h>
#include <gmime/gmime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
	GPtrArray *files; /* GByteArray * */
	size_t bytes;
} Corpus;

typedef struct {
	long parts, decoded, unconverted, null_messages, header_values;
} Stats;

static void die (const char *fmt, const char *arg)
{
	fprintf (stderr, "gmime-driver: ");
	fprintf (stderr, fmt, arg);
	fputc ('\n', stderr);
	exit (1);
}

static GByteArray *read_file (const char *path)
{
	FILE *f = fopen (path, "rb");
	if (!f)
		die ("cannot open %s", path);
	struct stat st;
	if (fstat (fileno (f), &st) != 0)
		die ("cannot stat %s", path);
	GByteArray *array = g_byte_array_sized_new ((guint) st.st_size);
	g_byte_array_set_size (array, (guint) st.st_size);
	if (st.st_size > 0 && fread (array->data, 1, (size_t) st.st_size, f) != (size_t) st.st_size)
		die ("cannot read %s", path);
	fclose (f);
	return array;
}

static int visible (const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

static void load_dir (Corpus *corpus, const char *dir)
{
	struct dirent **entries;
	int n = scandir (dir, &entries, visible, alphasort);
	if (n < 0)
		die ("cannot read directory %s", dir);
	for (int i = 0; i < n; i++) {
		char *path = g_build_filename (dir, entries[i]->d_name, NULL);
		struct stat st;
		if (stat (path, &st) == 0) {
			if (S_ISDIR (st.st_mode)) {
				load_dir (corpus, path);
			} else if (S_ISREG (st.st_mode)) {
				GByteArray *array = read_file (path);
				corpus->bytes += array->len;
				g_ptr_array_add (corpus->files, array);
			}
		}
		g_free (path);
		free (entries[i]);
	}
	free (entries);
}

/* A leaf: decode the transfer encoding (and the charset of text parts) into memory. */
static void decode_part (GMimePart *part, Stats *stats)
{
	stats->parts++;
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (!content)
		return;
	GMimeStream *out = g_mime_stream_mem_new ();
	GMimeObject *object = (GMimeObject *) part;
	GMimeFilter *filter = NULL;
	if (g_mime_content_type_is_type (g_mime_object_get_content_type (object), "text", "*")) {
		const char *charset = g_mime_object_get_content_type_parameter (object, "charset");
		if (charset) {
			filter = g_mime_filter_charset_new (charset, "UTF-8");
			if (!filter)
				stats->unconverted++;
		}
	}
	if (filter) {
		GMimeStream *filtered = g_mime_stream_filter_new (out);
		g_mime_stream_filter_add ((GMimeStreamFilter *) filtered, filter);
		g_object_unref (filter);
		g_mime_data_wrapper_write_to_stream (content, filtered);
		g_mime_stream_flush (filtered);
		g_object_unref (filtered);
	} else {
		g_mime_data_wrapper_write_to_stream (content, out);
	}
	stats->decoded += g_mime_stream_mem_get_byte_array ((GMimeStreamMem *) out)->len;
	g_object_unref (out);
}

static void walk (GMimeObject *object, Stats *stats)
{
	if (!object)
		return;
	if (GMIME_IS_MULTIPART (object)) {
		GMimeMultipart *multipart = (GMimeMultipart *) object;
		int count = g_mime_multipart_get_count (multipart);
		for (int i = 0; i < count; i++)
			walk (g_mime_multipart_get_part (multipart, i), stats);
	} else if (GMIME_IS_MESSAGE_PART (object)) {
		GMimeMessage *inner = g_mime_message_part_get_message ((GMimeMessagePart *) object);
		if (inner)
			walk (g_mime_message_get_mime_part (inner), stats);
	} else if (GMIME_IS_PART (object)) {
		decode_part ((GMimePart *) object, stats);
	}
}

static void read_addresses (InternetAddressList *list, Stats *stats)
{
	if (!list || internet_address_list_length (list) == 0)
		return;
	char *text = internet_address_list_to_string (list, NULL, FALSE);
	if (text) {
		stats->header_values++;
		g_free (text);
	}
}

static void parse_one (GByteArray *data, Stats *stats)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (data);
	g_mime_stream_mem_set_owner ((GMimeStreamMem *) stream, FALSE);
	GMimeParser *parser = g_mime_parser_new_with_stream (stream);
	GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);
	if (message) {
		if (g_mime_message_get_subject (message))
			stats->header_values++;
		read_addresses (g_mime_message_get_from (message), stats);
		read_addresses (g_mime_message_get_to (message), stats);
		if (g_mime_message_get_date (message))
			stats->header_values++;
		walk (g_mime_message_get_mime_part (message), stats);
		g_object_unref (message);
	} else {
		stats->null_messages++;
	}
	g_object_unref (parser);
	g_object_unref (stream);
}

static double seconds (clockid_t clock)
{
	struct timespec ts;
	clock_gettime (clock, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void usage (void)
{
	fprintf (stderr, "usage: gmime-driver --corpus DIR [--iterations N] | --one FILE\n");
	exit (2);
}

int main (int argc, char **argv)
{
	const char *corpus_dir = NULL, *one = NULL;
	long iterations = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp (argv[i], "--corpus") && i + 1 < argc)
			corpus_dir = argv[++i];
		else if (!strcmp (argv[i], "--one") && i + 1 < argc)
			one = argv[++i];
		else if (!strcmp (argv[i], "--iterations") && i + 1 < argc)
			iterations = strtol (argv[++i], NULL, 10);
		else
			usage ();
	}
	if ((corpus_dir == NULL) == (one == NULL) || iterations < 1)
		usage ();

	g_mime_init ();
	char version[32];
	snprintf (version, sizeof version, "%u.%u.%u", gmime_major_version, gmime_minor_version, gmime_micro_version);

	if (one) {
		GByteArray *data = read_file (one);
		Stats stats = { 0 };
		double start = seconds (CLOCK_MONOTONIC);
		parse_one (data, &stats);
		double secs = seconds (CLOCK_MONOTONIC) - start;
		printf ("GMime %s: %s, %.1f MB, %ld leaf parts, %.1f MB decoded, %.3f s\n", version, one,
			data->len / 1e6, stats.parts, stats.decoded / 1e6, secs);
		printf ("# results\ngmime_one_seconds=%.3f\ngmime_one_parts=%ld\n", secs, stats.parts);
		g_byte_array_unref (data);
		g_mime_shutdown ();
		return 0;
	}

	Corpus corpus = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref), 0 };
	load_dir (&corpus, corpus_dir);
	guint n = corpus.files->len;
	if (n == 0)
		die ("no files in %s", corpus_dir);

	Stats warm = { 0 };
	double start = seconds (CLOCK_MONOTONIC);
	for (guint i = 0; i < n; i++)
		parse_one (g_ptr_array_index (corpus.files, i), &warm);
	double warm_secs = seconds (CLOCK_MONOTONIC) - start;

	Stats stats = { 0 };
	double cpu_start = seconds (CLOCK_PROCESS_CPUTIME_ID);
	start = seconds (CLOCK_MONOTONIC);
	for (long it = 0; it < iterations; it++)
		for (guint i = 0; i < n; i++)
			parse_one (g_ptr_array_index (corpus.files, i), &stats);
	double secs = seconds (CLOCK_MONOTONIC) - start;
	double cpu_secs = seconds (CLOCK_PROCESS_CPUTIME_ID) - cpu_start;

	double mbps = (double) corpus.bytes * iterations / 1e6 / secs;
	double mps = (double) n * iterations / secs;
	double cpu_mbps = (double) corpus.bytes * iterations / 1e6 / cpu_secs;
	printf ("GMime %s: %u messages, %.1f MB; per pass %ld leaf parts, %.1f MB decoded, %ld text parts in an "
		"unknown charset, %ld header values, %ld messages not parsed\n", version, n, corpus.bytes / 1e6,
		warm.parts, warm.decoded / 1e6, warm.unconverted, warm.header_values, warm.null_messages);
	printf ("  warm-up pass %.2f s; %ld timed passes %.2f s: %.1f MB/s, %.0f messages/s; CPU %.2f s: %.1f MB/s\n",
		warm_secs, iterations, secs, mbps, mps, cpu_secs, cpu_mbps);
	printf ("# results\n");
	printf ("gmime_corpus_files=%u\n", n);
	printf ("gmime_corpus_bytes=%zu\n", corpus.bytes);
	printf ("gmime_parts_per_pass=%ld\n", warm.parts);
	printf ("gmime_seconds=%.3f\n", secs);
	printf ("gmime_mb_per_s=%.1f\n", mbps);
	printf ("gmime_messages_per_s=%.0f\n", mps);
	printf ("gmime_cpu_seconds=%.3f\n", cpu_secs);
	printf ("gmime_cpu_mb_per_s=%.1f\n", cpu_mbps);

	g_ptr_array_unref (corpus.files);
	g_mime_shutdown ();
	return 0;
}
