/*
 * What the badge modules share (issuer.h, achievement.h, award.h): their
 * error codes and how an invalid input is explained. The texts of the message
 * ids are in credential/messages.h.
 */
#ifndef CC_CREDENTIAL_BADGE_H
#define CC_CREDENTIAL_BADGE_H

enum badge_error {
    BADGE_OK = 0,
    BADGE_ERR_STORE = -1,     /* storage failed; nothing was changed */
    BADGE_ERR_INVALID = -2,   /* an input is invalid: see the badge_problem */
    BADGE_ERR_NOT_FOUND = -3, /* no such row in this institution */
    BADGE_ERR_CONFLICT = -4,  /* the change contradicts the state (already revoked...) */
    BADGE_ERR_NOMEM = -5,
    BADGE_ERR_SIGN = -6, /* the key cannot be read or the credential cannot be signed */
};

/* What is wrong with an input: the field's name and a message id of credential/messages.h. */
struct badge_problem {
    const char *field;
    const char *msg;
};

/* Mastery levels as the mastery engine publishes them. */
#define BADGE_LEVEL_DEVELOPING 2
#define BADGE_LEVEL_PROFICIENT 3
#define BADGE_LEVEL_MASTERED   4

/* Sets P and returns BADGE_ERR_INVALID. */
static inline int badge_problem(struct badge_problem *p, const char *field, const char *msg)
{
    p->field = field;
    p->msg = msg;
    return BADGE_ERR_INVALID;
}

#endif
