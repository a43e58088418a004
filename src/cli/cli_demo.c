/* Seeds a demo college, for trying CareCampus out and for the browser tests. */
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "auth/account.h"
#include "auth/class.h"
#include "auth/password.h"
#include "cli/cli.h"
#include "util/banned.h"

#define DEMO_PASSWORD "carecampus"

struct demo_user {
    const char *login, *name, *role, *lang;
};

static const struct demo_user college[] = {
    {"admin", "周敏 Zhou Min", "admin", "zh-CN"},
    {"chen.jing", "陈静 Chen Jing", "teacher", "zh-CN"},
    {"liu.wei", "刘伟 Liu Wei", "teacher", "en"},
    {"wang.fang", "王芳 Wang Fang", "student", "zh-CN"},
    {"li.na", "李娜 Li Na", "student", "zh-CN"},
    {"zhang.wei", "张伟 Zhang Wei", "student", "zh-CN"},
    {"liu.yang", "刘洋 Liu Yang", "student", "zh-CN"},
    {"chen.xi", "陈曦 Chen Xi", "student", "en"},
    {"yang.jie", "杨洁 Yang Jie", "student", "zh-CN"},
    {"zhao.min", "赵敏 Zhao Min", "student", "zh-CN"},
    {"huang.lei", "黄磊 Huang Lei", "student", "zh-CN"},
    {"zhou.ting", "周婷 Zhou Ting", "student", "en"},
    {"wu.hao", "吴昊 Wu Hao", "student", "zh-CN"},
    {"xu.jing", "徐静 Xu Jing", "student", "zh-CN"},
    {"sun.yue", "孙悦 Sun Yue", "student", "zh-CN"},
};

static const struct demo_user partner[] = {
    {"riverside.admin", "Maria Lopez", "admin", "en"},
    {"j.carter", "James Carter", "teacher", "en"},
};

static const char *const class_name = "Smart Elderly Care 2026-1 智慧健康养老2026级1班";
static const char *const class2_name = "Nurse Aide Skills 2026 护理员技能2026";

static int add_users(struct store *db, int64_t inst, const struct demo_user *users, size_t n,
                     const char *hash, int64_t *ids)
{
    for (size_t i = 0; i < n; i++) {
        struct auth_new_user u = {users[i].login, users[i].name, users[i].role, users[i].lang,
                                  NULL};
        struct auth_user made;
        struct auth_problem p;
        if (auth_user_insert(db, inst, &u, hash, &made, &p))
            return -1;
        ids[i] = made.id;
    }
    return 0;
}

static void print_logins(void)
{
    printf("Demo college: Changsha Health Vocational College 长沙健康职业学院\n"
           "Every demo account has the password '%s'.\n\n"
           "  administrator  admin        周敏 Zhou Min\n"
           "  teachers       chen.jing    陈静 Chen Jing (class: %s)\n"
           "                 liu.wei      刘伟 Liu Wei (class: %s)\n"
           "  students       wang.fang, li.na, zhang.wei, liu.yang, chen.xi, yang.jie,\n"
           "                 zhao.min, huang.lei, zhou.ting, wu.hao, xu.jing, sun.yue\n"
           "  partner        riverside.admin (Riverside Community College, US)\n",
           DEMO_PASSWORD, class_name, class2_name);
}

static int seed(struct store *db)
{
    char hash[AUTH_PASSWORD_HASH_MAX];
    /* One hash for every demo account: they share a password printed on screen anyway. */
    if (auth_password_hash(DEMO_PASSWORD, hash))
        return -1;
    struct auth_problem p;
    int64_t cn, us, ids[sizeof(college) / sizeof(college[0])], pids[2];
    if (store_begin(db))
        return -1;
    if (auth_institution_create(db, "Changsha Health Vocational College", "长沙健康职业学院", "CN",
                                &cn, &p) ||
        auth_institution_create(db, "Riverside Community College", "河滨社区学院", "US", &us, &p) ||
        add_users(db, cn, college, sizeof(college) / sizeof(college[0]), hash, ids) ||
        add_users(db, us, partner, 2, hash, pids))
        goto fail;
    struct auth_class c1, c2;
    if (auth_class_create(db, cn, class_name, ids[1], &c1, &p) ||
        auth_class_create(db, cn, class2_name, ids[2], &c2, &p) ||
        auth_class_enrol(db, cn, c1.id, ids + 3, 12, 1, &p) ||
        auth_class_enrol(db, cn, c2.id, ids + 3, 6, 1, &p))
        goto fail;
    return store_commit(db) ? -1 : 0;
fail:
    store_rollback(db);
    return -1;
}

int cli_demo(int argc, char **argv)
{
    const char *data, *db_url;
    if (cli_data_options(argc, argv, "demo", &data, &db_url))
        return CLI_USAGE;
    if (optind < argc)
        return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
    struct store *db;
    if (cli_open(data, db_url, &db))
        return CLI_FAIL;
    int64_t n = 0;
    int demo = 0, err = auth_institution_count(db, &n);
    if (!err && n > 0)
        err = auth_login_exists(db, "admin", &demo);
    if (!err && n == 0) {
        err = seed(db);
        demo = !err;
    } else if (!err && !demo) {
        store_close(&db);
        printf("This data directory already has institutions and no demo college; "
               "nothing was changed.\n");
        return CLI_OK;
    } else if (!err) {
        printf("The demo college is already here.\n");
    }
    store_close(&db);
    if (err) {
        fprintf(stderr, "carecampus demo: cannot seed the demo college\n");
        return CLI_FAIL;
    }
    print_logins();
    return CLI_OK;
}
