#include "lrs_data.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

uint64_t lrs_data_mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* The random numbers of one statement: a counter run through the hash. */
struct rng {
    uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
    return lrs_data_mix(r->state++);
}

static unsigned rng_below(struct rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

/* A version 4 UUID made of the hash of X. */
static void uuid_of(uint64_t x, char out[37])
{
    uint64_t a = lrs_data_mix(x), b = lrs_data_mix(a ^ 0x5DEECE66Dull);
    unsigned char u[16];
    for (int k = 0; k < 8; k++) {
        u[k] = (unsigned char)(a >> (8 * k));
        u[8 + k] = (unsigned char)(b >> (8 * k));
    }
    u[6] = (unsigned char)((u[6] & 0x0F) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3F) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
             u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

struct out {
    char *p;
    size_t len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p + o->len, LRS_DATA_MAX - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n < LRS_DATA_MAX - o->len ? (size_t)n : LRS_DATA_MAX - 1 - o->len;
}

static const char *const family[] = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang",
                                     "Zhao", "Wu", "Zhou",  "Xu",  "Sun",  "Ma",   "Zhu"};
static const char *const family_zh[] = {"王", "李", "张", "刘", "陈", "杨", "黄",
                                        "赵", "吴", "周", "徐", "孙", "马", "朱"};
static const char *const given[] = {"Fang", "Min", "Jing", "Lei",  "Yan",  "Jun",   "Hui",
                                    "Ying", "Tao", "Xin",  "Qing", "Ling", "Hong",  "Wei",
                                    "Na",   "Li",  "Yu",   "Mei",  "Chao", "Xiang", "Lan"};
static const char *const given_zh[] = {"芳", "敏", "静", "磊", "燕", "军", "慧",
                                       "英", "涛", "欣", "青", "玲", "红", "伟",
                                       "娜", "丽", "宇", "梅", "超", "翔", "兰"};

#define NFAMILY (sizeof(family) / sizeof(family[0]))
#define NGIVEN  (sizeof(given) / sizeof(given[0]))

static const struct {
    const char *id, *en, *zh;
} verbs[LRS_DATA_VERBS] = {
    {"http://adlnet.gov/expapi/verbs/experienced", "experienced", "体验了"},
    {"http://adlnet.gov/expapi/verbs/attempted", "attempted", "尝试了"},
    {"http://adlnet.gov/expapi/verbs/answered", "answered", "回答了"},
    {"http://adlnet.gov/expapi/verbs/completed", "completed", "完成了"},
    {"http://adlnet.gov/expapi/verbs/passed", "passed", "通过了"},
    {"http://adlnet.gov/expapi/verbs/failed", "failed", "未通过"},
    {"http://adlnet.gov/expapi/verbs/progressed", "progressed", "进展了"},
    {"http://adlnet.gov/expapi/verbs/launched", "launched", "启动了"},
    {"http://adlnet.gov/expapi/verbs/initialized", "initialized", "初始化了"},
    {"http://adlnet.gov/expapi/verbs/terminated", "terminated", "结束了"},
};

static const struct {
    const char *en, *zh;
} skills[] = {
    {"Hand hygiene before patient contact", "接触患者前手卫生"},
    {"Measuring blood pressure", "测量血压"},
    {"Repositioning a bedridden resident", "为卧床老人翻身"},
    {"Feeding assistance with dysphagia", "吞咽困难者的进食协助"},
    {"Fall risk assessment", "跌倒风险评估"},
    {"Pressure injury prevention", "压力性损伤预防"},
    {"Medication round with double check", "双人核对发药"},
    {"Responding to a choking resident", "应对老人噎食"},
    {"Transfer from bed to wheelchair", "床椅转移"},
    {"Communicating with a resident with dementia", "与认知症老人沟通"},
};

#define NSKILLS (sizeof(skills) / sizeof(skills[0]))

static const char *const activity_types[] = {
    "http://adlnet.gov/expapi/activities/simulation",
    "http://adlnet.gov/expapi/activities/assessment",
    "http://adlnet.gov/expapi/activities/interaction",
    "http://adlnet.gov/expapi/activities/lesson",
};

static const char *const wards[] = {"Geriatric ward 3", "Rehabilitation ward 1",
                                    "Dementia care unit", "Home care room", "ICU step-down"};

void lrs_data_learner(int l, char *json, size_t json_size, char *key, size_t key_size)
{
    if (json)
        snprintf(json, json_size,
                 "{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"" LRS_DATA_HOME
                 "\",\"name\":\"learner-%04d\"}}",
                 l);
    if (key)
        snprintf(key, key_size, "account:" LRS_DATA_HOME " learner-%04d", l);
}

void lrs_data_course(int c, char *out, size_t size)
{
    snprintf(out, size, LRS_DATA_HOME "/xapi/courses/course-%02d", c);
}

static void activity_id(int a, char *out, size_t size)
{
    snprintf(out, size, LRS_DATA_HOME "/xapi/activities/skill-%03d", a);
}

static void programme_id(int p, char *out, size_t size)
{
    snprintf(out, size, LRS_DATA_HOME "/xapi/programmes/programme-%d", p);
}

#define CATEGORY "https://w3id.org/xapi/carecampus/profiles/skills-lab"

int lrs_data_is_void(uint64_t i)
{
    return i % LRS_DATA_VOID_EVERY == LRS_DATA_VOID_EVERY - 1;
}

/* A voiding statement: the records office voids statement TARGET (never itself a voiding one). */
static size_t voiding(uint64_t seed, uint64_t i, uint64_t target, char *text,
                      struct lrs_data_index *ix)
{
    struct out o = {text, 0};
    char id[37], tid[37], when[40];
    uuid_of(seed * 1000003u + i, id);
    uuid_of(seed * 1000003u + target, tid);
    time_t t = (time_t)1767600000 + (time_t)(i * 12);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    put(&o,
        "{\"id\":\"%s\",\"actor\":{\"objectType\":\"Agent\",\"name\":\"Records office\","
        "\"mbox\":\"mailto:records@carecampus.example.edu\"},\"verb\":{\"id\":"
        "\"http://adlnet.gov/expapi/verbs/voided\",\"display\":{\"en-US\":\"voided\"}},"
        "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"%s\"},\"timestamp\":\"%s\"}",
        id, tid, when);
    if (ix) {
        memset(ix, 0, sizeof(*ix));
        memcpy(ix->id, id, sizeof(ix->id));
        memcpy(ix->target, tid, sizeof(ix->target));
        ix->verb = "http://adlnet.gov/expapi/verbs/voided";
        snprintf(ix->agent[0], sizeof(ix->agent[0]), "mbox:mailto:records@carecampus.example.edu");
        ix->agent_direct[0] = 1;
        ix->nagents = 1;
    }
    return o.len;
}

size_t lrs_data_statement(uint64_t seed, uint64_t i, int voids, char *text,
                          struct lrs_data_index *ix)
{
    if (voids && lrs_data_is_void(i))
        return voiding(seed, i, i - 1 - lrs_data_mix(seed ^ i) % 900, text, ix);
    struct rng r = {lrs_data_mix(seed ^ lrs_data_mix(i))};
    struct out o = {text, 0};
    int learner = (int)rng_below(&r, LRS_DATA_LEARNERS);
    int verb = (int)rng_below(&r, LRS_DATA_VERBS);
    int activity = (int)rng_below(&r, LRS_DATA_ACTIVITIES);
    int course = activity / (LRS_DATA_ACTIVITIES / LRS_DATA_COURSES);
    int programme = course / 5;
    int instructor = (activity * 7 + learner) % 12;
    char id[37], registration[37], session[37], act[128], parent[128], grouping[128], agent[256];
    uuid_of(seed * 1000003u + i, id);
    /* One registration per learner per window of the store order: an attempt. */
    uuid_of(lrs_data_mix(seed + 17) ^ ((uint64_t)learner << 40) ^ (i / LRS_DATA_WINDOW),
            registration);
    uuid_of(lrs_data_mix(seed + 29) ^ ((uint64_t)learner << 40) ^ (i / 500), session);
    activity_id(activity, act, sizeof(act));
    lrs_data_course(course, parent, sizeof(parent));
    programme_id(programme, grouping, sizeof(grouping));
    lrs_data_learner(learner, agent, sizeof(agent), NULL, 0);

    /* Five statements a minute from 2026-01-05 08:00 UTC. */
    time_t t = (time_t)1767600000 + (time_t)(i * 12);
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[40];
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);

    unsigned f = (unsigned)(learner * 7) % NFAMILY, g = (unsigned)(learner * 13) % NGIVEN;
    unsigned skill = (unsigned)activity % NSKILLS;
    int raw = (int)rng_below(&r, 101);
    int minutes = 2 + (int)rng_below(&r, 40), seconds = (int)rng_below(&r, 60);
    int zh = rng_below(&r, 3) != 0;

    put(&o, "{\"id\":\"%s\",", id);
    put(&o,
        "\"actor\":{\"objectType\":\"Agent\",\"name\":\"%s %s (%s%s)\",\"account\":{\"homePage\":"
        "\"" LRS_DATA_HOME "\",\"name\":\"learner-%04d\"}},",
        family[f], given[g], family_zh[f], given_zh[g], learner);
    put(&o, "\"verb\":{\"id\":\"%s\",\"display\":{\"en-US\":\"%s\",\"zh-CN\":\"%s\"}},",
        verbs[verb].id, verbs[verb].en, verbs[verb].zh);
    put(&o,
        "\"object\":{\"objectType\":\"Activity\",\"id\":\"%s\",\"definition\":{\"name\":{\"en-US\":"
        "\"%s (station %d)\",\"zh-CN\":\"%s（第%d站）\"},\"description\":{\"en-US\":\"Skills lab "
        "station %d: %s, performed on the simulated resident and checked against the "
        "competency rubric.\"},\"type\":\"%s\"}},",
        act, skills[skill].en, activity, skills[skill].zh, activity, activity, skills[skill].en,
        activity_types[activity % 4]);
    put(&o,
        "\"result\":{\"score\":{\"scaled\":%.2f,\"raw\":%d,\"min\":0,\"max\":100},\"success\":%s,"
        "\"completion\":%s,\"duration\":\"PT%dM%dS\",\"extensions\":{\"" LRS_DATA_HOME
        "/xapi/ext/critical-errors\":%u,\"" LRS_DATA_HOME
        "/xapi/ext/rubric-items\":[%u,%u,%u,%u]}},",
        raw / 100.0, raw, raw >= 60 ? "true" : "false", verb == 1 ? "false" : "true", minutes,
        seconds, rng_below(&r, 3), rng_below(&r, 4), rng_below(&r, 4), rng_below(&r, 4),
        rng_below(&r, 4));
    put(&o,
        "\"context\":{\"registration\":\"%s\",\"instructor\":{\"objectType\":\"Agent\",\"name\":"
        "\"Instructor %02d\",\"mbox\":\"mailto:instructor%02d@carecampus.example.edu\"},",
        registration, instructor, instructor);
    put(&o,
        "\"contextActivities\":{\"parent\":[{\"objectType\":\"Activity\",\"id\":\"%s\"}],"
        "\"grouping\":[{\"objectType\":\"Activity\",\"id\":\"%s\"}],\"category\":[{\"objectType\":"
        "\"Activity\",\"id\":\"" CATEGORY "\",\"definition\":{\"type\":"
        "\"http://adlnet.gov/expapi/activities/profile\"}}]},",
        parent, grouping);
    put(&o,
        "\"platform\":\"CareCampus VR Ward 2.4\",\"language\":\"%s\",\"extensions\":{"
        "\"" LRS_DATA_HOME "/xapi/ext/ward\":\"%s\",\"" LRS_DATA_HOME
        "/xapi/ext/device\":\"%s\",\"" LRS_DATA_HOME "/xapi/ext/scenario-seed\":%u,"
        "\"" LRS_DATA_HOME "/xapi/ext/session\":\"%s\"}},",
        zh ? "zh-CN" : "en-US", wards[activity % 5], rng_below(&r, 2) ? "Quest 3" : "Pico 4",
        (unsigned)(rng_next(&r) % 1000000u), session);
    put(&o, "\"timestamp\":\"%s.%03uZ\"}", when, rng_below(&r, 1000));

    if (ix) {
        memset(ix, 0, sizeof(*ix));
        memcpy(ix->id, id, sizeof(ix->id));
        memcpy(ix->registration, registration, sizeof(ix->registration));
        ix->verb = verbs[verb].id;
        lrs_data_learner(learner, NULL, 0, ix->agent[0], sizeof(ix->agent[0]));
        ix->agent_direct[0] = 1;
        snprintf(ix->agent[1], sizeof(ix->agent[1]),
                 "mbox:mailto:instructor%02d@carecampus.example.edu", instructor);
        ix->nagents = 2;
        snprintf(ix->activity[0], sizeof(ix->activity[0]), "%s", act);
        ix->activity_direct[0] = 1;
        snprintf(ix->activity[1], sizeof(ix->activity[1]), "%s", parent);
        snprintf(ix->activity[2], sizeof(ix->activity[2]), "%s", grouping);
        snprintf(ix->activity[3], sizeof(ix->activity[3]), "%s", CATEGORY);
        ix->nactivities = 4;
    }
    return o.len;
}
