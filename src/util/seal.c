#include "util/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/log.h"
#include "util/banned.h"

/* Reads exactly SEAL_KEY_BYTES from the key file PATH. */
static int read_key(const char *path, unsigned char key[SEAL_KEY_BYTES])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? SEAL_ERR_INVALID : SEAL_ERR_IO;
    struct stat st;
    int err = SEAL_ERR_IO;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == SEAL_KEY_BYTES) {
        size_t got = 0;
        while (got < SEAL_KEY_BYTES) {
            ssize_t n = read(fd, key + got, SEAL_KEY_BYTES - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (got == SEAL_KEY_BYTES)
            err = SEAL_OK;
        if (st.st_mode & 077)
            LOG_WARN("seal: the key file %s may be read by others; make it mode 600", path);
    } else {
        LOG_ERROR("seal: %s is not a key file of %d bytes", path, SEAL_KEY_BYTES);
    }
    close(fd);
    return err;
}

/* Writes a fresh key to a temporary file and links it to PATH unless one is there already. */
static int create_key(const char *dir, const char *path)
{
    char tmp[4200];
    unsigned char fresh[SEAL_KEY_BYTES];
    snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.%08x", dir, SEAL_KEY_FILE, (long)getpid(),
             randombytes_random());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return SEAL_ERR_IO;
    randombytes_buf(fresh, sizeof(fresh));
    int ok = write(fd, fresh, sizeof(fresh)) == (ssize_t)sizeof(fresh) && fsync(fd) == 0;
    sodium_memzero(fresh, sizeof(fresh));
    ok = close(fd) == 0 && ok;
    /* link() never replaces: when another process won the race, its key is the one. */
    if (ok && link(tmp, path) != 0 && errno != EEXIST)
        ok = 0;
    unlink(tmp);
    if (!ok)
        return SEAL_ERR_IO;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd); /* the new name survives a power cut */
        close(dfd);
    }
    return SEAL_OK;
}

int seal_key_load(const char *dir, unsigned char key[SEAL_KEY_BYTES])
{
    char path[4096];
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        LOG_ERROR("seal: cannot create the data directory %s: %s", dir, strerror(errno));
        return SEAL_ERR_IO;
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, SEAL_KEY_FILE) >= sizeof(path))
        return SEAL_ERR_IO;
    int err = read_key(path, key);
    if (err == SEAL_ERR_INVALID) { /* absent */
        if (create_key(dir, path) != SEAL_OK) {
            LOG_ERROR("seal: cannot create the key file %s: %s", path, strerror(errno));
            return SEAL_ERR_IO;
        }
        err = read_key(path, key);
    }
    if (err)
        LOG_ERROR("seal: cannot read the key file %s", path);
    return err ? SEAL_ERR_IO : SEAL_OK;
}

int seal_encrypt(const unsigned char key[SEAL_KEY_BYTES], const char *plain, char **out)
{
    size_t n = strlen(plain);
    size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    size_t text_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_ORIGINAL);
    unsigned char *raw = cc_malloc(raw_len);
    *out = cc_malloc(text_len);
    if (!raw || !*out) {
        cc_free(raw);
        cc_free(*out);
        *out = NULL;
        return SEAL_ERR_NOMEM;
    }
    randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, raw,
                          key);
    sodium_bin2base64(*out, text_len, raw, raw_len, sodium_base64_VARIANT_ORIGINAL);
    cc_free(raw);
    return SEAL_OK;
}

int seal_decrypt(const unsigned char key[SEAL_KEY_BYTES], const char *sealed, char *out,
                 size_t size)
{
    size_t n = strlen(sealed), raw_len;
    unsigned char *raw = cc_malloc(n + 1);
    if (!raw)
        return SEAL_ERR_NOMEM;
    int err = SEAL_ERR_INVALID;
    if (sodium_base642bin(raw, n + 1, sealed, n, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) == 0 &&
        raw_len >= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        size_t plain_len = raw_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
        if (plain_len < size &&
            crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
                                       raw_len - crypto_secretbox_NONCEBYTES, raw, key) == 0) {
            out[plain_len] = 0;
            err = SEAL_OK;
        }
    }
    cc_free(raw);
    if (err && size)
        out[0] = 0;
    return err;
}
