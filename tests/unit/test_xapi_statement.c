/*
 * Unit tests of xapi/statement.h, xapi/validate.h and xapi/messages.h.
 *
 * The heart is a table of statements, valid and invalid, each with the xAPI
 * version(s) it is checked under and, when invalid, the exact path and
 * message of the problem. Each row is its own cmocka test, named by its
 * description. The statements are written with ' for " to stay readable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/alloc.h"
#include "util/json.h"
#include "util/utf8.h"
#include "xapi/messages.h"
#include "xapi/statement.h"
#include "xapi/validate.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Parses JSON written with ' for ", failing the test when it does not parse. */
static json_t *parse(const char *text)
{
    size_t n = strlen(text);
    char *s = cc_malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i <= n; i++)
        s[i] = text[i] == '\'' ? '"' : text[i];
    json_t *v = NULL;
    int rc = json_read(s, n, JSON_MAX_DEPTH, 0, &v);
    cc_free(s);
    if (rc)
        fail_msg("test JSON does not parse: %s", text);
    return v;
}

/* -------------------------------------------------------------- the table */

enum { V1 = 1, V2 = 2, BOTH = 3 };

struct row {
    const char *name;
    int versions;     /* V1 (1.0.3), V2 (2.0) or BOTH */
    const char *json; /* one statement */
    const char *path; /* NULL: valid */
    const char *msg;
    const char *arg; /* NULL: not checked */
};

#define ACTOR "'actor':{'mbox':'mailto:learner@example.org'}"
#define VERB                                                                                       \
    "'verb':{'id':'http://adlnet.gov/expapi/verbs/attended','display':{'en-US':'attended'}}"
#define ACT "'object':{'id':'http://example.org/activities/meeting'}"
/* The minimal statement with more properties X (each starting with ","). */
#define ST(x)           "{" ACTOR "," VERB "," ACT x "}"
#define WITH_ACTOR(a)   "{'actor':" a "," VERB "," ACT "}"
#define WITH_VERB(v)    "{" ACTOR ",'verb':" v "," ACT "}"
#define WITH_OBJECT(o)  "{" ACTOR "," VERB ",'object':" o "}"
#define WITH_RESULT(r)  ST(",'result':" r)
#define WITH_CONTEXT(c) ST(",'context':" c)
#define DEF(d)          WITH_OBJECT("{'id':'http://example.org/q1','definition':" d "}")
/* A SubStatement object with more properties X. */
#define SUB(x)      WITH_OBJECT("{'objectType':'SubStatement'," ACTOR "," VERB "," ACT x "}")
#define ATT(a)      ST(",'attachments':[{" a "}]")
#define ATT_USAGE   "'usageType':'http://example.com/attachment-usage/test'"
#define ATT_DISPLAY "'display':{'en-US':'A test attachment'}"
#define ATT_TYPE    "'contentType':'text/plain; charset=ascii'"
#define ATT_LENGTH  "'length':27"
#define ATT_SHA2    "'sha2':'495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a'"
#define GOOD_ATT    ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE "," ATT_LENGTH "," ATT_SHA2
#define REF         "{'objectType':'StatementRef','id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0'}"
#define VOIDED      "'verb':{'id':'http://adlnet.gov/expapi/verbs/voided'}"
#define OAUTH_MEMBERS                                                                              \
    "[{'account':{'homePage':'http://example.com/xAPI/OAuth/"                                      \
    "Token','name':'oauth_consumer_x75db'}},"                                                      \
    "{'mbox':'mailto:bob_authority@example.com'}]"

#define OK(name, v, json)                                                                          \
    {                                                                                              \
        name, v, json, NULL, NULL, NULL                                                            \
    }
#define BAD(name, v, json, path, msg)                                                              \
    {                                                                                              \
        name, v, json, path, msg, NULL                                                             \
    }
#define BADA(name, v, json, path, msg, arg)                                                        \
    {                                                                                              \
        name, v, json, path, msg, arg                                                              \
    }

static const struct row rows[] = {
    /* Valid statements. */
    OK("minimal statement", BOTH, ST("")),
    OK("id in lower case", BOTH, ST(",'id':'fd41c918-b88b-4b20-a0a5-a4c32391aaa0'")),
    OK("id in upper case", BOTH, ST(",'id':'FD41C918-B88B-4B20-A0A5-A4C32391AAA0'")),
    OK("actor by mbox_sha1sum", BOTH,
       WITH_ACTOR("{'mbox_sha1sum':'cd9b00a5611f94eaa7b1661edab976068e364975'}")),
    OK("actor by openid with a name", BOTH,
       WITH_ACTOR("{'openid':'http://openid.example.org/12345','name':'Ann'}")),
    OK("actor by account", BOTH,
       WITH_ACTOR("{'objectType':'Agent','account':{'homePage':'http://www.example.com','name':'"
                  "xAPI account name'}}")),
    OK("actor anonymous group", BOTH,
       WITH_ACTOR("{'objectType':'Group','member':[{'mbox':'mailto:a@example.org'},{'objectType':"
                  "'Agent','openid':'http://example.org/b'}]}")),
    OK("actor identified group without members", BOTH,
       WITH_ACTOR("{'objectType':'Group','name':'Team','mbox':'mailto:team@example.org'}")),
    OK("actor identified group with an empty member list", BOTH,
       WITH_ACTOR("{'objectType':'Group','account':{'homePage':'http://example.org','name':'t'},"
                  "'member':[]}")),
    OK("verb without display", BOTH, WITH_VERB("{'id':'http://adlnet.gov/expapi/verbs/attended'}")),
    OK("verb display in many languages", BOTH,
       WITH_VERB("{'id':'http://example.org/v','display':{'de':'besucht','zh-Hans-CN':'参加了',"
                 "'sr-Latn-RS':'a','cmn':'b','i-klingon':'c','x-private':'d','de-CH-1901':'e',"
                 "'en-a-bbb-x-a-ccc':'f','tlh':'g'}}")),
    OK("object activity with objectType", BOTH,
       WITH_OBJECT("{'objectType':'Activity','id':'http://example.org/a'}")),
    OK("object activity with a full definition", BOTH,
       DEF("{'name':{'en-US':'Q1'},'description':{'en-US':'d'},'type':'http://adlnet.gov/expapi/"
           "activities/cmi.interaction','moreInfo':'http://example.org/more','extensions':{'http://"
           "example.org/ext':{'a':[1,null]}}}")),
    OK("choice interaction", BOTH,
       DEF("{'interactionType':'choice','correctResponsesPattern':['golf[,]tetris'],'choices':[{'"
           "id':'golf','description':{'en-US':'Golf'}},{'id':'tetris'}]}")),
    OK("sequencing interaction with choices", BOTH,
       DEF("{'interactionType':'sequencing','choices':[{'id':'a'},{'id':'b'}]}")),
    OK("likert interaction with scale", BOTH,
       DEF("{'interactionType':'likert','correctResponsesPattern':['likert_3'],'scale':[{'id':'"
           "likert_0'},{'id':'likert_3'}]}")),
    OK("matching interaction with source and target", BOTH,
       DEF("{'interactionType':'matching','source':[{'id':'ben'}],'target':[{'id':'3'}]}")),
    OK("performance interaction with steps", BOTH,
       DEF("{'interactionType':'performance','steps':[{'id':'pong'},{'id':'dg'}]}")),
    OK("true-false interaction", BOTH,
       DEF("{'interactionType':'true-false','correctResponsesPattern':['true']}")),
    OK("numeric interaction", BOTH,
       DEF("{'interactionType':'numeric','correctResponsesPattern':['4[:]']}")),
    OK("other interaction with an empty pattern list", BOTH,
       DEF("{'interactionType':'other','correctResponsesPattern':[]}")),
    OK("object agent", BOTH, WITH_OBJECT("{'objectType':'Agent','mbox':'mailto:b@example.org'}")),
    OK("object anonymous group", BOTH,
       WITH_OBJECT("{'objectType':'Group','member':[{'mbox':'mailto:b@example.org'}]}")),
    OK("object statement reference", BOTH, WITH_OBJECT(REF)),
    OK("object substatement", BOTH,
       SUB(",'result':{'success':true},'context':{'platform':'p'},'timestamp':'2013-05-18T05:32:"
           "34.804Z','attachments':[]")),
    OK("substatement with the voided verb is not a voiding statement", BOTH,
       WITH_OBJECT("{'objectType':'SubStatement'," ACTOR "," VOIDED "," ACT "}")),
    OK("extension values null, empty string and empty object", BOTH,
       WITH_RESULT("{'extensions':{'http://example.com/a':null,'http://example.com/b':'','http://"
                   "example.com/c':{}}}")),
    OK("empty extensions", BOTH, WITH_RESULT("{'extensions':{}}")),
    OK("full result", BOTH,
       WITH_RESULT("{'score':{'scaled':0.95,'raw':95,'min':0,'max':100},'success':true,"
                   "'completion':false,'response':'We agreed','duration':'PT1H0M0.1S'}")),
    OK("scaled score of 1", BOTH, WITH_RESULT("{'score':{'scaled':1}}")),
    OK("scaled score of -1.0", BOTH, WITH_RESULT("{'score':{'scaled':-1.0}}")),
    OK("raw score equal to min", BOTH, WITH_RESULT("{'score':{'raw':0,'min':0,'max':10}}")),
    OK("raw score equal to max", BOTH, WITH_RESULT("{'score':{'raw':10.5,'min':0,'max':10.5}}")),
    OK("decimal scores", BOTH,
       WITH_RESULT("{'score':{'scaled':0.12123434,'raw':12.125,'min':0.12123434,'max':45.45}}")),
    OK("raw score without min and max", BOTH, WITH_RESULT("{'score':{'raw':-1234.5}}")),
    OK("duration in hours, minutes, seconds", BOTH, WITH_RESULT("{'duration':'PT4H35M59.14S'}")),
    OK("duration in seconds only", BOTH, WITH_RESULT("{'duration':'PT16559.14S'}")),
    OK("duration with years to seconds", BOTH, WITH_RESULT("{'duration':'P3Y1M29DT4H35M59.14S'}")),
    OK("duration in weeks", BOTH, WITH_RESULT("{'duration':'P4W'}")),
    OK("duration beyond 0.01 s precision", BOTH, WITH_RESULT("{'duration':'P1DT12H36M0.12567S'}")),
    OK("full context", BOTH,
       WITH_CONTEXT(
           "{'registration':'ec531277-b57b-4c15-8d91-d292c5b2b8f7','instructor':{'mbox':'mailto:"
           "i@example.org'},'team':{'objectType':'Group','mbox':'mailto:t@example.org'},"
           "'contextActivities':{'parent':[{'id':'http://example.org/p'}],'grouping':[{'"
           "objectType':'Activity','id':'http://example.org/g'}],'category':[],'other':[]},"
           "'revision':'rev_10_3_2','platform':'Example','language':'tlh','statement':" REF
           ",'extensions':{'http://example.com/x':1}}")),
    OK("contextActivities as a single activity", BOTH,
       WITH_CONTEXT("{'contextActivities':{'parent':{'id':'http://example.org/p'},'other':{'"
                    "objectType':'Activity','id':'http://example.org/o'}}}")),
    OK("instructor is a group", BOTH,
       WITH_CONTEXT("{'instructor':{'objectType':'Group','member':[{'mbox':'mailto:x@example."
                    "org'}]}}")),
    OK("timestamp in UTC", BOTH, ST(",'timestamp':'2013-05-18T05:32:34.804Z'")),
    OK("timestamp with a negative offset", BOTH, ST(",'timestamp':'2023-05-04T12:00:00-05:00'")),
    OK("timestamp with +00:00", BOTH, ST(",'timestamp':'2008-09-15T15:53:00.601+00:00'")),
    OK("timestamp with many fraction digits", BOTH,
       ST(",'timestamp':'2013-05-18T05:32:34.80412345Z'")),
    OK("timestamp on a leap day", BOTH, ST(",'timestamp':'2024-02-29T23:59:60Z'")),
    OK("timestamp in the ISO 8601 basic format (1.0.3)", V1, ST(",'timestamp':'20130518T053234Z'")),
    OK("timestamp without a time zone (1.0.3)", V1, ST(",'timestamp':'2013-05-18T05:32:34.804'")),
    OK("timestamp without seconds (1.0.3)", V1, ST(",'timestamp':'2013-05-18T05:32+08'")),
    OK("timestamp null means none (2.0)", V2, ST(",'timestamp':null")),
    OK("stored", BOTH, ST(",'stored':'2013-05-18T05:32:34.804Z'")),
    OK("authority agent", BOTH, ST(",'authority':{'objectType':'Agent','mbox':'mailto:a@b.org'}")),
    OK("authority OAuth group of two", BOTH,
       ST(",'authority':{'objectType':'Group','member':" OAUTH_MEMBERS "}")),
    OK("version 1.0", BOTH, ST(",'version':'1.0'")),
    OK("version 1.0.3", BOTH, ST(",'version':'1.0.3'")),
    OK("version 1.0.9", BOTH, ST(",'version':'1.0.9'")),
    OK("version 2.0.0 (2.0)", V2, ST(",'version':'2.0.0'")),
    OK("version 2.0 (2.0)", V2, ST(",'version':'2.0'")),
    OK("no attachments", BOTH, ST(",'attachments':[]")),
    OK("attachment with every property", BOTH,
       ATT(GOOD_ATT ",'description':{'es-MX':'Un accesorio'},'fileUrl':'http://over.there.com/"
                    "file.txt'")),
    OK("attachment length 27.0", BOTH,
       ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE ",'length':27.0," ATT_SHA2)),
    OK("attachment with a SHA-512", BOTH,
       ATT(ATT_USAGE "," ATT_DISPLAY ",'contentType':'application/octet-stream'," ATT_LENGTH
                     ",'sha2':'"
                     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                     "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF'")),
    OK("voiding statement", BOTH, "{" ACTOR "," VOIDED ",'object':" REF "}"),
    OK("contextAgents (2.0)", V2,
       WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent','agent':{'objectType':"
                    "'Agent','mbox':'mailto:player-1@example.com'},'relevantTypes':['https://"
                    "example.com/types/player']},{'objectType':'contextAgent','agent':{'mbox':"
                    "'mailto:coach@example.com'}}]}")),
    OK("contextGroups (2.0)", V2,
       WITH_CONTEXT("{'contextGroups':[{'objectType':'contextGroup','group':{'objectType':"
                    "'Group','mbox':'mailto:team-1@example.com','member':[{'mbox':'mailto:p@"
                    "example.com'}]},'relevantTypes':['https://example.com/types/team']}]}")),
    OK("contextAgents in a substatement (2.0)", V2,
       SUB(",'context':{'contextAgents':[{'objectType':'contextAgent','agent':{'mbox':'mailto:"
           "a@example.com'}}]}")),

    /* The statement itself. */
    BAD("not an object", BOTH, "[]", "", "xapi_not_object"),
    BAD("actor missing", BOTH, "{" VERB "," ACT "}", "actor", "xapi_required"),
    BAD("verb missing", BOTH, "{" ACTOR "," ACT "}", "verb", "xapi_required"),
    BAD("object missing", BOTH, "{" ACTOR "," VERB "}", "object", "xapi_required"),
    BADA("unknown property", BOTH, ST(",'foo':1"), "foo", "xapi_property_unknown", "Statement"),
    BADA("property in the wrong case", BOTH, ST(",'Version':'1.0.0'"), "Version",
         "xapi_property_case", "version"),
    BAD("objectType on a statement", BOTH, ST(",'objectType':'Statement'"), "objectType",
        "xapi_property_unknown"),
    BAD("actor null", BOTH, "{'actor':null," VERB "," ACT "}", "actor", "xapi_null"),
    BAD("id not a UUID", BOTH, ST(",'id':'should fail'"), "id", "xapi_uuid"),
    BAD("id with too many digits", BOTH, ST(",'id':'AA97B177-9383-4934-8543-0F91A7A028368'"), "id",
        "xapi_uuid"),
    BAD("id with a letter beyond F", BOTH, ST(",'id':'MA97B177-9383-4934-8543-0F91A7A02836'"), "id",
        "xapi_uuid"),
    BAD("id without the RFC 4122 variant", BOTH, ST(",'id':'fd41c918-b88b-4b20-70a5-a4c32391aaa0'"),
        "id", "xapi_uuid"),
    BAD("id a number", BOTH, ST(",'id':12345"), "id", "xapi_not_string"),
    BAD("id an object", BOTH, ST(",'id':{'key':'should fail'}"), "id", "xapi_not_string"),
    BAD("id null", BOTH, ST(",'id':null"), "id", "xapi_null"),

    /* Actor: Agents and Groups. */
    BAD("actor a string", BOTH, WITH_ACTOR("'agent'"), "actor", "xapi_not_object"),
    BADA("actor without an identifier", BOTH, WITH_ACTOR("{'objectType':'Agent','name':'x'}"),
         "actor", "xapi_ifi_count", "0"),
    BADA("actor with mbox and openid", BOTH,
         WITH_ACTOR("{'mbox':'mailto:a@example.org','openid':'http://example.org/a'}"), "actor",
         "xapi_ifi_count", "2"),
    BADA("actor with mbox and account", BOTH,
         WITH_ACTOR("{'mbox':'mailto:a@example.org','account':{'homePage':'http://example.org',"
                    "'name':'a'}}"),
         "actor", "xapi_ifi_count", "2"),
    BADA("actor objectType in the wrong case", BOTH,
         WITH_ACTOR("{'objectType':'agent','mbox':'mailto:a@example.org'}"), "actor.objectType",
         "xapi_enum", "Agent, Group"),
    BAD("actor objectType a number", BOTH, WITH_ACTOR("{'objectType':123,'mbox':'mailto:a@b.org'}"),
        "actor.objectType", "xapi_not_string"),
    BAD("actor objectType is JSON text", BOTH,
        WITH_ACTOR("{'objectType':'\\'objectType\\': \\'Agent\\'','mbox':'mailto:a@b.org'}"),
        "actor.objectType", "xapi_enum"),
    BAD("actor name a number", BOTH, WITH_ACTOR("{'name':123,'mbox':'mailto:a@b.org'}"),
        "actor.name", "xapi_not_string"),
    BAD("actor name null", BOTH, WITH_ACTOR("{'name':null,'mbox':'mailto:a@b.org'}"), "actor.name",
        "xapi_null"),
    BAD("mbox without an @", BOTH, WITH_ACTOR("{'mbox':'mailto:should.fail.com'}"), "actor.mbox",
        "xapi_mbox"),
    BAD("mbox without mailto:", BOTH, WITH_ACTOR("{'mbox':'a@example.org'}"), "actor.mbox",
        "xapi_mbox"),
    BAD("mbox an http IRI", BOTH, WITH_ACTOR("{'mbox':'http://should.fail.com'}"), "actor.mbox",
        "xapi_mbox"),
    BAD("mbox_sha1sum too short", BOTH,
        WITH_ACTOR("{'mbox_sha1sum':'cd9b00a5611f94eaa7b1661edab976068e36497'}"),
        "actor.mbox_sha1sum", "xapi_sha1"),
    BAD("mbox_sha1sum not hexadecimal", BOTH,
        WITH_ACTOR("{'mbox_sha1sum':'zd9b00a5611f94eaa7b1661edab976068e364975'}"),
        "actor.mbox_sha1sum", "xapi_sha1"),
    BAD("openid without a scheme", BOTH, WITH_ACTOR("{'openid':'open.id.com/testUser'}"),
        "actor.openid", "xapi_iri"),
    BAD("account homePage without a scheme", BOTH,
        WITH_ACTOR("{'account':{'homePage':'homePage.com/testUser','name':'123456'}}"),
        "actor.account.homePage", "xapi_irl"),
    BAD("account homePage with a bad scheme", BOTH,
        WITH_ACTOR("{'account':{'homePage':'ab=c://should.fail.com','name':'a'}}"),
        "actor.account.homePage", "xapi_irl"),
    BAD("account without homePage", BOTH, WITH_ACTOR("{'account':{'name':'a'}}"),
        "actor.account.homePage", "xapi_required"),
    BAD("account without name", BOTH, WITH_ACTOR("{'account':{'homePage':'http://example.org'}}"),
        "actor.account.name", "xapi_required"),
    BAD("account name an object", BOTH,
        WITH_ACTOR("{'account':{'homePage':'http://example.org','name':{'key':'value'}}}"),
        "actor.account.name", "xapi_not_string"),
    BADA("account with another property", BOTH,
         WITH_ACTOR("{'account':{'homePage':'http://example.org','name':'a','id':1}}"),
         "actor.account.id", "xapi_property_unknown", "Account"),
    BAD("account a string", BOTH, WITH_ACTOR("{'account':'a'}"), "actor.account",
        "xapi_not_object"),
    BAD("anonymous group without members", BOTH, WITH_ACTOR("{'objectType':'Group','name':'g'}"),
        "actor.member", "xapi_group_member_required"),
    BAD("anonymous group with no members", BOTH, WITH_ACTOR("{'objectType':'Group','member':[]}"),
        "actor.member", "xapi_group_member_required"),
    BAD("group member list an object", BOTH,
        WITH_ACTOR("{'objectType':'Group','member':{'mbox':'mailto:a@b.org'}}"), "actor.member",
        "xapi_not_array"),
    BAD("group member a group", BOTH,
        WITH_ACTOR("{'objectType':'Group','member':[{'objectType':'Group','member':[{'mbox':"
                   "'mailto:a@b.org'}]}]}"),
        "actor.member[0].objectType", "xapi_member_agent"),
    BAD("group member with a bad mbox", BOTH,
        WITH_ACTOR("{'objectType':'Group','member':[{'mbox':'mailto:a@b.org'},{'mbox':'b'}]}"),
        "actor.member[1].mbox", "xapi_mbox"),
    BADA("group member without an identifier", BOTH,
         WITH_ACTOR("{'objectType':'Group','member':[{'name':'nobody'}]}"), "actor.member[0]",
         "xapi_ifi_count", "0"),
    BADA("identified group with two identifiers", BOTH,
         WITH_ACTOR("{'objectType':'Group','mbox':'mailto:g@b.org','openid':'http://example."
                    "org/g'}"),
         "actor", "xapi_ifi_count_group", "2"),
    BADA("agent with members", BOTH,
         WITH_ACTOR("{'mbox':'mailto:a@b.org','member':[{'mbox':'mailto:c@b.org'}]}"),
         "actor.member", "xapi_property_unknown", "Agent"),

    /* Verb. */
    BAD("verb without id", BOTH, WITH_VERB("{'display':{'en-US':'attended'}}"), "verb.id",
        "xapi_required"),
    BAD("verb id without a scheme", BOTH, WITH_VERB("{'id':'adlnet.gov/expapi/verbs/attended'}"),
        "verb.id", "xapi_iri"),
    BAD("verb id empty", BOTH, WITH_VERB("{'id':''}"), "verb.id", "xapi_iri"),
    BAD("verb id with a space", BOTH, WITH_VERB("{'id':'http://example.org/a verb'}"), "verb.id",
        "xapi_iri"),
    BAD("verb display a string", BOTH,
        WITH_VERB("{'id':'http://example.org/v','display':'a12345 attended'}"), "verb.display",
        "xapi_lang_map"),
    BAD("verb display a number", BOTH, WITH_VERB("{'id':'http://example.org/v','display':12345}"),
        "verb.display", "xapi_lang_map"),
    BAD("verb display with an invalid tag", BOTH,
        WITH_VERB("{'id':'http://example.org/v','display':{'something':'besucht'}}"),
        "verb.display[\"something\"]", "xapi_lang_tag"),
    BAD("verb display with an underscore tag", BOTH,
        WITH_VERB("{'id':'http://example.org/v','display':{'en_US':'attended'}}"),
        "verb.display[\"en_US\"]", "xapi_lang_tag"),
    BAD("verb display with a repeated singleton", BOTH,
        WITH_VERB("{'id':'http://example.org/v','display':{'zh-z-aaa-z-bbb-c-ccc':'x'}}"),
        "verb.display[\"zh-z-aaa-z-bbb-c-ccc\"]", "xapi_lang_tag"),
    BAD("verb display value null", BOTH,
        WITH_VERB("{'id':'http://example.org/v','display':{'en-US':null}}"),
        "verb.display[\"en-US\"]", "xapi_null"),
    BAD("verb display value a number", BOTH,
        WITH_VERB("{'id':'http://example.org/v','display':{'en-US':1}}"), "verb.display[\"en-US\"]",
        "xapi_not_string"),
    BADA("verb property in the wrong case", BOTH,
         WITH_VERB("{'id':'http://example.org/v','Display':{'en-US':'a'}}"), "verb.Display",
         "xapi_property_case", "display"),

    /* Object. */
    BADA("object objectType in the wrong case", BOTH,
         WITH_OBJECT("{'objectType':'activity','id':'http://example.org/a'}"), "object.objectType",
         "xapi_enum", "Activity, Agent, Group, StatementRef, SubStatement"),
    BAD("object a string", BOTH, WITH_OBJECT("'activity'"), "object", "xapi_not_object"),
    BAD("activity without id", BOTH, WITH_OBJECT("{'objectType':'Activity'}"), "object.id",
        "xapi_required"),
    BAD("activity id without a scheme", BOTH, WITH_OBJECT("{'id':'www.example.com/meetings/1'}"),
        "object.id", "xapi_iri"),
    BADA("activity with another property", BOTH,
         WITH_OBJECT("{'id':'http://example.org/a','name':'x'}"), "object.name",
         "xapi_property_unknown", "Activity"),
    BAD("agent as object without objectType", BOTH, WITH_OBJECT("{'mbox':'mailto:a@b.org'}"),
        "object.objectType", "xapi_object_type_required"),
    BAD("group as object without objectType", BOTH,
        WITH_OBJECT("{'member':[{'mbox':'mailto:a@b.org'}]}"), "object.objectType",
        "xapi_object_type_required"),
    BAD("object agent without an identifier", BOTH, WITH_OBJECT("{'objectType':'Agent'}"), "object",
        "xapi_ifi_count"),
    BAD("statement reference without id", BOTH, WITH_OBJECT("{'objectType':'StatementRef'}"),
        "object.id", "xapi_required"),
    BAD("statement reference id not a UUID", BOTH,
        WITH_OBJECT("{'objectType':'StatementRef','id':'should fail'}"), "object.id", "xapi_uuid"),
    BAD("statement reference objectType in the wrong case", BOTH,
        WITH_OBJECT("{'objectType':'statementref','id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0'}"),
        "object.objectType", "xapi_enum"),
    BADA("statement reference with another property", BOTH,
         WITH_OBJECT("{'objectType':'StatementRef','id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0',"
                     "'definition':{}}"),
         "object.definition", "xapi_property_unknown", "StatementRef"),

    /* Activity Definition. */
    BAD("definition a string", BOTH, DEF("'x'"), "object.definition", "xapi_not_object"),
    BADA("definition with another property", BOTH, DEF("{'title':{'en':'x'}}"),
         "object.definition.title", "xapi_property_unknown", "Activity Definition"),
    BAD("definition name a string", BOTH, DEF("{'name':'x'}"), "object.definition.name",
        "xapi_lang_map"),
    BAD("definition description with an invalid tag", BOTH,
        DEF("{'description':{'a12345678':'should error'}}"),
        "object.definition.description[\"a12345678\"]", "xapi_lang_tag"),
    BAD("definition type without a scheme", BOTH,
        DEF("{'type':'adlnet.gov/expapi/activities/meeting'}"), "object.definition.type",
        "xapi_iri"),
    BAD("definition moreInfo without a scheme", BOTH,
        DEF("{'moreInfo':'virtualmeeting.example.com/345256'}"), "object.definition.moreInfo",
        "xapi_irl"),
    BAD("definition moreInfo null", BOTH, DEF("{'moreInfo':null}"), "object.definition.moreInfo",
        "xapi_null"),
    BAD("definition extensions a string", BOTH, DEF("{'extensions':'x'}"),
        "object.definition.extensions", "xapi_not_object"),
    BAD("definition extension key not an IRI", BOTH,
        DEF("{'extensions':{'not.valid.com/extension':1234}}"),
        "object.definition.extensions[\"not.valid.com/extension\"]", "xapi_extension_key"),
    BAD("interactionType in the wrong case", BOTH, DEF("{'interactionType':'true-faLse'}"),
        "object.definition.interactionType", "xapi_enum"),
    BAD("interactionType an IRI", BOTH,
        DEF("{'interactionType':'http://adlnet.gov/expapi/activities/cmi.interaction'}"),
        "object.definition.interactionType", "xapi_enum"),
    BAD("interactionType a number", BOTH, DEF("{'interactionType':12345}"),
        "object.definition.interactionType", "xapi_not_string"),
    BAD("correctResponsesPattern without interactionType", BOTH,
        DEF("{'correctResponsesPattern':['true']}"), "object.definition.interactionType",
        "xapi_interaction_type_required"),
    BAD("choices without interactionType", BOTH, DEF("{'choices':[{'id':'a'}]}"),
        "object.definition.interactionType", "xapi_interaction_type_required"),
    BAD("steps without interactionType", BOTH, DEF("{'steps':[{'id':'a'}]}"),
        "object.definition.interactionType", "xapi_interaction_type_required"),
    BADA("scale with a choice interaction", BOTH,
         DEF("{'interactionType':'choice','scale':[{'id':'a'}]}"), "object.definition.scale",
         "xapi_components_not_allowed", "choice"),
    BADA("choices with a true-false interaction", BOTH,
         DEF("{'interactionType':'true-false','choices':[{'id':'a'}]}"),
         "object.definition.choices", "xapi_components_not_allowed", "true-false"),
    BAD("choices with a repeated id", BOTH,
        DEF("{'interactionType':'choice','choices':[{'id':'a'},{'id':'b'},{'id':'a'}]}"),
        "object.definition.choices[2].id", "xapi_component_id_duplicate"),
    BAD("component without id", BOTH,
        DEF("{'interactionType':'likert','scale':[{'description':{'en':'x'}}]}"),
        "object.definition.scale[0].id", "xapi_required"),
    BAD("component id a number", BOTH, DEF("{'interactionType':'matching','source':[{'id':1}]}"),
        "object.definition.source[0].id", "xapi_not_string"),
    BAD("component description with an invalid tag", BOTH,
        DEF("{'interactionType':'matching','target':[{'id':'a','description':{'a12345':'x'}}]}"),
        "object.definition.target[0].description[\"a12345\"]", "xapi_lang_tag"),
    BADA("component with another property", BOTH,
         DEF("{'interactionType':'performance','steps':[{'id':'a','name':'x'}]}"),
         "object.definition.steps[0].name", "xapi_property_unknown", "Interaction Component"),
    BAD("components not an array", BOTH, DEF("{'interactionType':'choice','choices':{'id':'a'}}"),
        "object.definition.choices", "xapi_not_array"),
    BAD("correctResponsesPattern a string", BOTH,
        DEF("{'interactionType':'fill-in','correctResponsesPattern':'x'}"),
        "object.definition.correctResponsesPattern", "xapi_not_array"),
    BAD("correctResponsesPattern with a number", BOTH,
        DEF("{'interactionType':'numeric','correctResponsesPattern':['1',2]}"),
        "object.definition.correctResponsesPattern[1]", "xapi_not_string"),

    /* SubStatement. */
    BAD("substatement with id", BOTH, SUB(",'id':'fd41c918-b88b-4b20-a0a5-a4c32391aaa0'"),
        "object.id", "xapi_substatement_property"),
    BAD("substatement with stored", BOTH, SUB(",'stored':'2013-05-18T05:32:34.804Z'"),
        "object.stored", "xapi_substatement_property"),
    BAD("substatement with version", BOTH, SUB(",'version':'1.0.0'"), "object.version",
        "xapi_substatement_property"),
    BAD("substatement with authority", BOTH, SUB(",'authority':{'mbox':'mailto:a@example.org'}"),
        "object.authority", "xapi_substatement_property"),
    BAD("substatement in a substatement", BOTH,
        WITH_OBJECT("{'objectType':'SubStatement'," ACTOR "," VERB ",'object':{'objectType':"
                    "'SubStatement'," ACTOR "," VERB "," ACT "}}"),
        "object.object.objectType", "xapi_substatement_nested"),
    BAD("substatement without actor", BOTH,
        WITH_OBJECT("{'objectType':'SubStatement'," VERB "," ACT "}"), "object.actor",
        "xapi_required"),
    BAD("substatement without object", BOTH,
        WITH_OBJECT("{'objectType':'SubStatement'," ACTOR "," VERB "}"), "object.object",
        "xapi_required"),
    BAD("substatement objectType in the wrong case", BOTH,
        WITH_OBJECT("{'objectType':'substatement'," ACTOR "," VERB "," ACT "}"),
        "object.objectType", "xapi_enum"),
    BADA("substatement with another property", BOTH, SUB(",'foo':1"), "object.foo",
         "xapi_property_unknown", "SubStatement"),
    BAD("substatement verb without id", BOTH,
        WITH_OBJECT("{'objectType':'SubStatement'," ACTOR ",'verb':{}," ACT "}"), "object.verb.id",
        "xapi_required"),
    BAD("substatement agent object without objectType", BOTH,
        WITH_OBJECT("{'objectType':'SubStatement'," ACTOR "," VERB ",'object':{'mbox':'mailto:"
                    "a@b.org'}}"),
        "object.object.objectType", "xapi_object_type_required"),
    BAD("substatement timestamp invalid", V1, SUB(",'timestamp':'should fail'"), "object.timestamp",
        "xapi_timestamp_103"),

    /* Result. */
    BAD("result a string", BOTH, WITH_RESULT("'x'"), "result", "xapi_not_object"),
    BAD("score a number", BOTH, WITH_RESULT("{'score':12345}"), "result.score", "xapi_not_object"),
    BAD("scaled above 1", BOTH, WITH_RESULT("{'score':{'scaled':1.01}}"), "result.score.scaled",
        "xapi_score_scaled"),
    BAD("scaled below -1", BOTH, WITH_RESULT("{'score':{'scaled':-1.00001}}"),
        "result.score.scaled", "xapi_score_scaled"),
    BAD("raw above max", BOTH, WITH_RESULT("{'score':{'raw':0.6767676,'min':0,'max':0.6567676}}"),
        "result.score.raw", "xapi_score_raw"),
    BAD("raw below min", BOTH, WITH_RESULT("{'score':{'raw':0.6767676,'min':1.4067676}}"),
        "result.score.raw", "xapi_score_raw"),
    BAD("min above max", BOTH, WITH_RESULT("{'score':{'min':0.6767676,'max':0.6767355}}"),
        "result.score.max", "xapi_score_max"),
    BAD("min equal to max", BOTH, WITH_RESULT("{'score':{'min':5,'max':5}}"), "result.score.max",
        "xapi_score_max"),
    BAD("max a string of digits", BOTH, WITH_RESULT("{'score':{'max':'100'}}"), "result.score.max",
        "xapi_not_number"),
    BADA("score property in the wrong case", BOTH, WITH_RESULT("{'score':{'Scaled':0.5}}"),
         "result.score.Scaled", "xapi_property_case", "scaled"),
    BAD("success a string", BOTH, WITH_RESULT("{'success':'true'}"), "result.success",
        "xapi_not_boolean"),
    BAD("completion a number", BOTH, WITH_RESULT("{'completion':1}"), "result.completion",
        "xapi_not_boolean"),
    BAD("response a number", BOTH, WITH_RESULT("{'response':5}"), "result.response",
        "xapi_not_string"),
    BAD("duration not a duration", BOTH, WITH_RESULT("{'duration':'PA1H0M0S'}"), "result.duration",
        "xapi_duration"),
    BAD("duration mixing weeks and days", BOTH, WITH_RESULT("{'duration':'P4W1D'}"),
        "result.duration", "xapi_duration"),
    BAD("duration in the alternative format", BOTH,
        WITH_RESULT("{'duration':'P0003-01-29T04:35:59'}"), "result.duration", "xapi_duration"),
    BAD("duration a number", BOTH, WITH_RESULT("{'duration':12345}"), "result.duration",
        "xapi_not_string"),
    BAD("result extension key without a scheme", BOTH,
        WITH_RESULT("{'extensions':{'example.com/extension/wrong':1234}}"),
        "result.extensions[\"example.com/extension/wrong\"]", "xapi_extension_key"),
    BADA("result with another property", BOTH, WITH_RESULT("{'grade':'A'}"), "result.grade",
         "xapi_property_unknown", "Result"),

    /* Context. */
    BAD("context a string", BOTH, WITH_CONTEXT("'x'"), "context", "xapi_not_object"),
    BAD("registration not a UUID", BOTH, WITH_CONTEXT("{'registration':'should fail'}"),
        "context.registration", "xapi_uuid"),
    BAD("registration null", BOTH, WITH_CONTEXT("{'registration':null}"), "context.registration",
        "xapi_null"),
    BAD("instructor without an identifier", BOTH, WITH_CONTEXT("{'instructor':{'name':'x'}}"),
        "context.instructor", "xapi_ifi_count"),
    BAD("instructor a string", BOTH, WITH_CONTEXT("{'instructor':'x'}"), "context.instructor",
        "xapi_not_object"),
    BAD("team an agent", BOTH,
        WITH_CONTEXT("{'team':{'objectType':'Agent','mbox':'mailto:a@b.org'}}"),
        "context.team.objectType", "xapi_must_be_group"),
    BAD("team without objectType", BOTH,
        WITH_CONTEXT("{'team':{'member':[{'mbox':'mailto:a@b.org'}]}}"), "context.team.objectType",
        "xapi_must_be_group"),
    BAD("team anonymous without members", BOTH, WITH_CONTEXT("{'team':{'objectType':'Group'}}"),
        "context.team.member", "xapi_group_member_required"),
    BAD("contextActivities a string", BOTH, WITH_CONTEXT("{'contextActivities':'x'}"),
        "context.contextActivities", "xapi_not_object"),
    BADA("contextActivities with another key", BOTH,
         WITH_CONTEXT("{'contextActivities':{'consequences':[]}}"),
         "context.contextActivities.consequences", "xapi_property_unknown", "contextActivities"),
    BAD("contextActivities parent a string", BOTH,
        WITH_CONTEXT("{'contextActivities':{'parent':'http://example.org/p'}}"),
        "context.contextActivities.parent", "xapi_context_activities"),
    BAD("contextActivities activity without id", BOTH,
        WITH_CONTEXT("{'contextActivities':{'grouping':[{'id':'http://example.org/g'},{}]}}"),
        "context.contextActivities.grouping[1].id", "xapi_required"),
    BAD("contextActivities an agent", BOTH,
        WITH_CONTEXT("{'contextActivities':{'category':[{'objectType':'Agent','mbox':'mailto:a@"
                     "b.org'}]}}"),
        "context.contextActivities.category[0].objectType", "xapi_enum"),
    BAD("revision with an agent object", BOTH,
        "{" ACTOR "," VERB ",'object':{'objectType':'Agent','mbox':'mailto:b@example.org'},"
        "'context':{'revision':'1'}}",
        "context.revision", "xapi_context_activity_only"),
    BAD("platform with a statement reference object", BOTH,
        "{" ACTOR "," VERB ",'object':" REF ",'context':{'platform':'p'}}", "context.platform",
        "xapi_context_activity_only"),
    BAD("platform in a substatement with a group object", BOTH,
        WITH_OBJECT("{'objectType':'SubStatement'," ACTOR "," VERB ",'object':{'objectType':"
                    "'Group','mbox':'mailto:g@b.org'},'context':{'platform':'p'}}"),
        "object.context.platform", "xapi_context_activity_only"),
    BAD("revision a number", BOTH, WITH_CONTEXT("{'revision':10}"), "context.revision",
        "xapi_not_string"),
    BAD("language invalid", BOTH, WITH_CONTEXT("{'language':'something'}"), "context.language",
        "xapi_lang_tag"),
    BAD("context statement without objectType", BOTH,
        WITH_CONTEXT("{'statement':{'id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0'}}"),
        "context.statement.objectType", "xapi_required"),
    BAD("context statement id not a UUID", BOTH,
        WITH_CONTEXT("{'statement':{'objectType':'StatementRef','id':'x'}}"),
        "context.statement.id", "xapi_uuid"),
    BAD("context extension key without a scheme", BOTH,
        WITH_CONTEXT("{'extensions':{'example.com/extension/wrong':1234}}"),
        "context.extensions[\"example.com/extension/wrong\"]", "xapi_extension_key"),
    BAD("contextAgents in 1.0.3", V1,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent','agent':{'mbox':'mailto:a@"
                     "b.org'}}]}"),
        "context.contextAgents", "xapi_property_v20"),
    BAD("contextGroups in 1.0.3", V1, WITH_CONTEXT("{'contextGroups':[]}"), "context.contextGroups",
        "xapi_property_v20"),
    BAD("contextAgents not an array (2.0)", V2, WITH_CONTEXT("{'contextAgents':{}}"),
        "context.contextAgents", "xapi_not_array"),
    BAD("contextAgent with another objectType (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'Should fail','agent':{'mbox':'mailto:a@"
                     "b.org'}}]}"),
        "context.contextAgents[0].objectType", "xapi_enum"),
    BAD("contextAgent without objectType (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'agent':{'mbox':'mailto:a@b.org'}}]}"),
        "context.contextAgents[0].objectType", "xapi_required"),
    BAD("contextAgent without agent (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent'}]}"),
        "context.contextAgents[0].agent", "xapi_required"),
    BAD("contextAgent agent invalid (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent','agent':{'key':'x'}}]}"),
        "context.contextAgents[0].agent.key", "xapi_property_unknown"),
    BAD("contextAgent agent a group (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent','agent':{'objectType':"
                     "'Group','mbox':'mailto:g@b.org'}}]}"),
        "context.contextAgents[0].agent.objectType", "xapi_must_be_agent"),
    BAD("contextAgent relevantTypes empty (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent','agent':{'mbox':'mailto:a@"
                     "b.org'},'relevantTypes':[]}]}"),
        "context.contextAgents[0].relevantTypes", "xapi_relevant_types_empty"),
    BAD("contextAgent relevantTypes not IRIs (2.0)", V2,
        WITH_CONTEXT("{'contextAgents':[{'objectType':'contextAgent','agent':{'mbox':'mailto:a@"
                     "b.org'},'relevantTypes':['http://example.org/t','abc']}]}"),
        "context.contextAgents[0].relevantTypes[1]", "xapi_iri"),
    BAD("contextGroup group an agent (2.0)", V2,
        WITH_CONTEXT("{'contextGroups':[{'objectType':'contextGroup','group':{'mbox':'mailto:a@"
                     "b.org'}}]}"),
        "context.contextGroups[0].group.objectType", "xapi_must_be_group"),
    BADA("contextGroup with another property (2.0)", V2,
         WITH_CONTEXT("{'contextGroups':[{'objectType':'contextGroup','group':{'objectType':"
                      "'Group','mbox':'mailto:g@b.org'},'member':[]}]}"),
         "context.contextGroups[0].member", "xapi_property_unknown", "Context Group"),
    BAD("contextGroup in a substatement with wrong objectType (2.0)", V2,
        SUB(",'context':{'contextGroups':[{'objectType':'contextAgent','group':{'objectType':"
            "'Group','mbox':'mailto:g@b.org'}}]}"),
        "object.context.contextGroups[0].objectType", "xapi_enum"),

    /* Timestamp, stored. */
    BAD("timestamp not a date", V1, ST(",'timestamp':'01/011/2015'"), "timestamp",
        "xapi_timestamp_103"),
    BAD("timestamp not a date (2.0)", V2, ST(",'timestamp':'should fail'"), "timestamp",
        "xapi_timestamp_20"),
    BAD("timestamp with -00:00", V1, ST(",'timestamp':'2008-09-15T15:53:00.601-00:00'"),
        "timestamp", "xapi_timestamp_103"),
    BAD("timestamp with -00:00 (2.0)", V2, ST(",'timestamp':'2008-09-15T15:53:00.601-00:00'"),
        "timestamp", "xapi_timestamp_20"),
    BAD("timestamp with -0000", V1, ST(",'timestamp':'20080915T155300.601-0000'"), "timestamp",
        "xapi_timestamp_103"),
    BAD("timestamp with -00", BOTH, ST(",'timestamp':'2008-09-15T15:53:00.601-00'"), "timestamp",
        NULL),
    BAD("timestamp mixing basic and extended", V1, ST(",'timestamp':'2008-09-15T15:53:00+0000'"),
        "timestamp", "xapi_timestamp_103"),
    BAD("timestamp on 29 February of a common year", V1, ST(",'timestamp':'2023-02-29T00:00:00Z'"),
        "timestamp", "xapi_timestamp_103"),
    BAD("timestamp at hour 24", V1, ST(",'timestamp':'2023-02-20T24:00:00Z'"), "timestamp",
        "xapi_timestamp_103"),
    BAD("timestamp without a time zone (2.0)", V2, ST(",'timestamp':'2013-05-18T05:32:34.804'"),
        "timestamp", "xapi_timestamp_20"),
    BAD("timestamp in the basic format (2.0)", V2, ST(",'timestamp':'20130518T053234Z'"),
        "timestamp", "xapi_timestamp_20"),
    BAD("timestamp a date only", V1, ST(",'timestamp':'2013-05-18'"), "timestamp",
        "xapi_timestamp_103"),
    BAD("timestamp null (1.0.3)", V1, ST(",'timestamp':null"), "timestamp", "xapi_null"),
    BAD("timestamp a number", BOTH, ST(",'timestamp':1368855154"), "timestamp", "xapi_not_string"),
    BAD("stored not a date", V1, ST(",'stored':'yesterday'"), "stored", "xapi_timestamp_103"),
    BAD("stored null (2.0)", V2, ST(",'stored':null"), "stored", "xapi_null"),

    /* Authority. */
    BAD("authority identified group", BOTH,
        ST(",'authority':{'objectType':'Group','mbox':'mailto:xapigroup@example.com','member':"
           "[{'mbox':'mailto:agentA@example.com'},{'mbox':'mailto:agentB@example.com'}]}"),
        "authority", "xapi_authority_identified"),
    BADA("authority group of three", BOTH,
         ST(",'authority':{'objectType':'Group','member':[{'mbox':'mailto:a@example.com'},{"
            "'mbox':'mailto:b@example.com'},{'mbox':'mailto:c@example.com'}]}"),
         "authority.member", "xapi_authority_members", "3"),
    BADA("authority group of one", BOTH,
         ST(",'authority':{'objectType':'Group','member':[{'mbox':'mailto:a@example.com'}]}"),
         "authority.member", "xapi_authority_members", "1"),
    BAD("authority agent without an identifier", BOTH, ST(",'authority':{'objectType':'Agent'}"),
        "authority", "xapi_ifi_count"),

    /* Version. */
    BADA("version 1.1.0", V1, ST(",'version':'1.1.0'"), "version", "xapi_statement_version",
         "1.0, 1.0.x"),
    BADA("version 1.1.0 (2.0)", V2, ST(",'version':'1.1.0'"), "version", "xapi_statement_version",
         "1.0, 1.0.x, 2.0, 2.0.x"),
    BAD("version 2.0.0 in 1.0.3", V1, ST(",'version':'2.0.0'"), "version",
        "xapi_statement_version"),
    BAD("version 0.9.9", BOTH, ST(",'version':'0.9.9'"), "version", "xapi_statement_version"),
    BAD("version 1.0.", BOTH, ST(",'version':'1.0.'"), "version", "xapi_statement_version"),
    BAD("version 1.0.x", BOTH, ST(",'version':'1.0.x'"), "version", "xapi_statement_version"),
    BAD("version a number", BOTH, ST(",'version':1.0"), "version", "xapi_not_string"),

    /* Attachments. */
    BAD("attachments an object", BOTH, ST(",'attachments':{}"), "attachments", "xapi_not_array"),
    BAD("attachment a string", BOTH, ST(",'attachments':['should fail']"), "attachments[0]",
        "xapi_not_object"),
    BAD("attachment without usageType", BOTH,
        ATT(ATT_DISPLAY "," ATT_TYPE "," ATT_LENGTH "," ATT_SHA2), "attachments[0].usageType",
        "xapi_required"),
    BAD("attachment usageType not an IRI", BOTH,
        ATT("'usageType':'should fail'," ATT_DISPLAY "," ATT_TYPE "," ATT_LENGTH "," ATT_SHA2),
        "attachments[0].usageType", "xapi_iri"),
    BAD("attachment without display", BOTH, ATT(ATT_USAGE "," ATT_TYPE "," ATT_LENGTH "," ATT_SHA2),
        "attachments[0].display", "xapi_required"),
    BAD("attachment display with an invalid tag", BOTH,
        ATT(ATT_USAGE ",'display':{'en-US':'a','something':'b'}," ATT_TYPE "," ATT_LENGTH
                      "," ATT_SHA2),
        "attachments[0].display[\"something\"]", "xapi_lang_tag"),
    BAD("attachment description a string", BOTH, ATT(GOOD_ATT ",'description':'x'"),
        "attachments[0].description", "xapi_lang_map"),
    BAD("attachment without contentType", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_LENGTH "," ATT_SHA2), "attachments[0].contentType",
        "xapi_required"),
    BAD("attachment contentType a number", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY ",'contentType':12345," ATT_LENGTH "," ATT_SHA2),
        "attachments[0].contentType", "xapi_not_string"),
    BAD("attachment contentType not a media type", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY ",'contentType':'text'," ATT_LENGTH "," ATT_SHA2),
        "attachments[0].contentType", "xapi_content_type"),
    BAD("attachment without length", BOTH, ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE "," ATT_SHA2),
        "attachments[0].length", "xapi_required"),
    BAD("attachment length a string", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE ",'length':'27'," ATT_SHA2),
        "attachments[0].length", "xapi_not_number"),
    BAD("attachment length negative", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE ",'length':-1," ATT_SHA2),
        "attachments[0].length", "xapi_length"),
    BAD("attachment length a fraction", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE ",'length':2.5," ATT_SHA2),
        "attachments[0].length", "xapi_length"),
    BAD("attachment length too large to be exact", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE ",'length':1e300," ATT_SHA2),
        "attachments[0].length", "xapi_length"),
    BAD("attachment without sha2", BOTH, ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE "," ATT_LENGTH),
        "attachments[0].sha2", "xapi_required"),
    BAD("attachment sha2 a number", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE "," ATT_LENGTH ",'sha2':12345"),
        "attachments[0].sha2", "xapi_not_string"),
    BAD("attachment sha2 of the wrong length", BOTH,
        ATT(ATT_USAGE "," ATT_DISPLAY "," ATT_TYPE "," ATT_LENGTH ",'sha2':'495395e777cd'"),
        "attachments[0].sha2", "xapi_sha2"),
    BAD("attachment fileUrl without a scheme", BOTH,
        ATT(GOOD_ATT ",'fileUrl':'over.there.com/file.txt'"), "attachments[0].fileUrl", "xapi_irl"),
    BADA("attachment with another property", BOTH, ATT(GOOD_ATT ",'data':'aGk='"),
         "attachments[0].data", "xapi_property_unknown", "Attachment"),

    /* Voiding. */
    BAD("voiding an activity", BOTH, "{" ACTOR "," VOIDED "," ACT "}", "object.objectType",
        "xapi_voiding_object"),
    BAD("voiding an agent", BOTH,
        "{" ACTOR "," VOIDED ",'object':{'objectType':'Agent','mbox':'mailto:b@example.org'}}",
        "object.objectType", "xapi_voiding_object"),
};

static void table_row(void **state)
{
    const struct row *r = *state;
    json_t *st = parse(r->json);
    for (int v = XAPI_V103; v <= XAPI_V20; v++) {
        if (!(r->versions & (v == XAPI_V103 ? V1 : V2)))
            continue;
        struct xapi_problem p;
        memset(&p, 0x5a, sizeof(p));
        int rc = xapi_statement_validate(st, (enum xapi_version)v, &p);
        if (!r->path) {
            if (rc != XAPI_OK)
                fail_msg("v%d: expected valid, got %s at \"%s\"", v, p.msg, p.path);
            continue;
        }
        if (rc != XAPI_ERR_INVALID)
            fail_msg("v%d: expected %s at \"%s\", got rc %d", v, r->msg ? r->msg : "a problem",
                     r->path, rc);
        if (strcmp(p.path, r->path) != 0 || (r->msg && strcmp(p.msg, r->msg) != 0))
            fail_msg("v%d: expected %s at \"%s\", got %s at \"%s\"", v, r->msg ? r->msg : "?",
                     r->path, p.msg, p.path);
        if (r->arg && strcmp(p.arg, r->arg) != 0)
            fail_msg("v%d: expected arg \"%s\", got \"%s\"", v, r->arg, p.arg);
        /* Every problem has a text in both languages. */
        assert_ptr_not_equal(xapi_message(p.msg, LANG_EN), p.msg);
        assert_ptr_not_equal(xapi_message(p.msg, LANG_ZH), p.msg);
    }
    json_decref(st);
}

/* ------------------------------------------------------ format checkers */

struct str_case {
    const char *s;
    int valid;
};

static void check_table(const char *what, int (*f)(const char *), const struct str_case *t,
                        size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (f(t[i].s) != t[i].valid)
            fail_msg("%s(\"%s\") should be %d", what, t[i].s ? t[i].s : "(null)", t[i].valid);
}

static void uuid_valid_table(void **state)
{
    static const struct str_case t[] = {
        {"fd41c918-b88b-4b20-a0a5-a4c32391aaa0", 1},
        {"FD41C918-B88B-4B20-A0A5-A4C32391AAA0", 1},
        {"fd41c918-b88b-1b20-8fff-a4c32391aaa0", 1},   /* version 1 */
        {"fd41c918-b88b-7b20-bfff-a4c32391aaa0", 1},   /* version 7 */
        {"fd41c918-b88b-4b20-c0a5-a4c32391aaa0", 0},   /* variant 110x (Microsoft) */
        {"fd41c918-b88b-4b20-70a5-a4c32391aaa0", 0},   /* variant 0xxx (NCS) */
        {"00000000-0000-0000-0000-000000000000", 0},   /* nil */
        {"fd41c918b88b4b20a0a5a4c32391aaa0", 0},       /* no hyphens */
        {"{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}", 0}, /* braces */
        {"fd41c918-b88b-4b20-a0a5-a4c32391aaa", 0},
        {"fd41c918-b88b-4b20-a0a5-a4c32391aaa00", 0},
        {"fd41c918-b88b-4b20-a0a5_a4c32391aaa0", 0},
        {"gd41c918-b88b-4b20-a0a5-a4c32391aaa0", 0},
        {" fd41c918-b88b-4b20-a0a5-a4c32391aaa0", 0},
        {"", 0},
        {NULL, 0},
    };
    check_table("xapi_uuid_valid", xapi_uuid_valid, t, N_ELEMS(t));
}

static void uuid_parse_ignores_case(void **state)
{
    unsigned char a[16], b[16];
    assert_int_equal(xapi_uuid_parse("fd41c918-b88b-4b20-a0a5-a4c32391aaa0", a), 0);
    assert_int_equal(xapi_uuid_parse("FD41C918-B88B-4B20-A0A5-A4C32391AAA0", b), 0);
    assert_memory_equal(a, b, 16);
    assert_int_equal(a[0], 0xfd);
    assert_int_equal(a[15], 0xa0);
    assert_int_equal(xapi_uuid_parse("not a uuid", a), -1);
}

static void iri_valid_table(void **state)
{
    static const struct str_case t[] = {
        {"http://adlnet.gov/expapi/verbs/attended", 1},
        {"https://example.org/path?q=1&r=%20#frag", 1},
        {"urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0", 1},
        {"mailto:a@example.org", 1},
        {"tag:example.org,2024:x", 1},
        {"http://例子.测试/路径", 1},
        {"x-my+scheme.v1:opaque", 1},
        {"http://example.com/path/../x", 1},
        {"adlnet.gov/expapi/verbs/attended", 0},
        {"ab=c://should.fail.com", 0},
        {"1http://example.org", 0},
        {"http:", 0},
        {":foo", 0},
        {"http://example.org/a b", 0},
        {"http://example.org/<a>", 0},
        {"http://example.org/a\"b", 0},
        {"http://example.org/a\\b", 0},
        {"http://example.org/%zz", 0},
        {"http://example.org/%4", 0},
        {"http://example.org/a#b#c", 0},
        {"http://example.org/\x7f", 0},
        {"http://example.org/\xc2\x85", 0}, /* U+0085, a C1 control */
        {"should fail", 0},
        {"", 0},
        {NULL, 0},
    };
    check_table("xapi_iri_valid", xapi_iri_valid, t, N_ELEMS(t));
}

static void lang_tag_valid_table(void **state)
{
    static const struct str_case t[] = {
        {"en", 1},
        {"de", 1},
        {"en-US", 1},
        {"EN-us", 1},
        {"es-419", 1},
        {"zh-Hant", 1},
        {"zh-Hans-CN", 1},
        {"sr-Latn-RS", 1},
        {"cmn", 1},
        {"tlh", 1},
        {"zh-yue-HK", 1},      /* extlang */
        {"de-CH-1901", 1},     /* variant */
        {"sl-rozaj-biske", 1}, /* two variants */
        {"de-DE-u-co-phonebk", 1},
        {"en-a-bbb-x-a-ccc", 1}, /* private use may repeat a singleton */
        {"x-whatever", 1},
        {"qaa-Qaaa-QM-x-southern", 1},
        {"i-klingon", 1},
        {"en-GB-oed", 1},
        {"abcdefgh", 1},  /* 5 to 8 letters: registered languages */
        {"something", 0}, /* 9 letters */
        {"a12345", 0},
        {"a12345678", 0},
        {"e", 0},
        {"en_US", 0},
        {"en-", 0},
        {"-en", 0},
        {"en--US", 0},
        {"zh-z-aaa-z-bbb-c-ccc", 0}, /* singleton z twice */
        {"sl-rozaj-rozaj", 0},       /* variant twice */
        {"sl-ROZAJ-rozaj", 0},
        {"en-a", 0},     /* singleton without subtag */
        {"en-a-b-c", 0}, /* extension subtags are 2 to 8 */
        {"x", 0},
        {"x-", 0},
        {"x-abcdefghi", 0},
        {"en-US-Latn", 0},         /* script after region */
        {"zh-abc-def-ghi-jkl", 0}, /* four extlangs */
        {"en-123456789", 0},
        {"en US", 0},
        {"", 0},
        {NULL, 0},
    };
    check_table("xapi_lang_tag_valid", xapi_lang_tag_valid, t, N_ELEMS(t));
}

static void duration_valid_table(void **state)
{
    static const struct str_case t[] = {
        {"PT4H35M59.14S", 1},
        {"PT16559.14S", 1},
        {"P3Y1M29DT4H35M59.14S", 1},
        {"P3Y", 1},
        {"P4W", 1},
        {"P1.5W", 1},
        {"PT1H0M0.1S", 1},
        {"PT0.12567S", 1},
        {"P1DT12H36M0.12567S", 1},
        {"PT0,5S", 1},
        {"P0D", 1},
        {"P1M", 1},
        {"PT1M", 1},
        {"P1Y2M", 1},
        {"P2.5Y", 1},
        {"P", 0},
        {"PT", 0},
        {"P1DT", 0},
        {"P4W1D", 0},
        {"P1Y4W", 0},
        {"PA1H0M0S", 0},
        {"PT1H0M0S0", 0},
        {"P1H", 0},
        {"PT1D", 0},
        {"P1M1Y", 0},
        {"PT1S1M", 0},
        {"P1.5Y2M", 0}, /* a fraction only on the last part */
        {"PT.5S", 0},
        {"PT5.S", 0},
        {"P0003-01-29T04:35:59", 0},
        {"-PT1S", 0},
        {"pt1s", 0},
        {"PT1S ", 0},
        {"should fail", 0},
        {"", 0},
        {NULL, 0},
    };
    check_table("xapi_duration_valid", xapi_duration_valid, t, N_ELEMS(t));
}

struct ts_case {
    const char *s;
    int v103, v20;
};

static void timestamp_valid_table(void **state)
{
    static const struct ts_case t[] = {
        {"2013-05-18T05:32:34.804Z", 1, 1},
        {"2013-05-18t05:32:34.804z", 1, 1},
        {"2023-05-04T12:00:00-05:00", 1, 1},
        {"2008-09-15T15:53:00.601+00:00", 1, 1},
        {"2008-09-15T15:53:00+14:00", 1, 1},
        {"2024-02-29T00:00:00Z", 1, 1},
        {"2000-02-29T00:00:00Z", 1, 1},
        {"2016-12-31T23:59:60Z", 1, 1},
        {"2013-05-18T05:32:34.123456789Z", 1, 1},
        {"2013-05-18T05:32:34", 1, 0},    /* no time zone */
        {"2013-05-18T05:32Z", 1, 0},      /* no seconds */
        {"2013-05-18T05:32:34+05", 1, 0}, /* hours-only offset */
        {"20130518T053234Z", 1, 0},       /* basic format */
        {"20130518T053234.5+0530", 1, 0},
        {"2013-05-18T05:32:34,5Z", 1, 0}, /* comma fraction */
        {"2008-09-15T15:53:00.601-00:00", 0, 0},
        {"2008-09-15T15:53:00.601-00", 0, 0},
        {"20080915T155300.601-0000", 0, 0},
        {"2008-09-15T15:53:00.601-0000", 0, 0},
        {"2008-09-15T15:53:00+0000", 0, 0}, /* basic offset in the extended format */
        {"20080915T155300+00:00", 0, 0},    /* and the other way round */
        {"1900-02-29T00:00:00Z", 0, 0},
        {"2023-02-29T00:00:00Z", 0, 0},
        {"2023-04-31T00:00:00Z", 0, 0},
        {"2023-13-01T00:00:00Z", 0, 0},
        {"2023-00-01T00:00:00Z", 0, 0},
        {"2023-01-00T00:00:00Z", 0, 0},
        {"2023-01-01T24:00:00Z", 0, 0},
        {"2023-01-01T23:60:00Z", 0, 0},
        {"2023-01-01T23:59:61Z", 0, 0},
        {"2023-01-01T23:59:59+24:00", 0, 0},
        {"2023-01-01T23:59:59.Z", 0, 0},
        {"2023-01-01 23:59:59Z", 0, 0},
        {"2023-01-01", 0, 0},
        {"2023-01-01T", 0, 0},
        {"01/011/2015", 0, 0},
        {"should fail", 0, 0},
        {"2023-01-01T00:00:00Z ", 0, 0},
        {"", 0, 0},
        {NULL, 0, 0},
    };
    for (size_t i = 0; i < N_ELEMS(t); i++) {
        if (xapi_timestamp_valid(t[i].s, XAPI_V103) != t[i].v103)
            fail_msg("1.0.3: \"%s\" should be %d", t[i].s ? t[i].s : "(null)", t[i].v103);
        if (xapi_timestamp_valid(t[i].s, XAPI_V20) != t[i].v20)
            fail_msg("2.0: \"%s\" should be %d", t[i].s ? t[i].s : "(null)", t[i].v20);
    }
}

static void mbox_valid_table(void **state)
{
    static const struct str_case t[] = {
        {"mailto:xapi@adlnet.gov", 1},
        {"mailto:first.last+tag@sub.example.co.uk", 1},
        {"mailto:o'brien@example.org", 1},
        {"mailto:user%40x@example.org", 1},
        {"mailto:用户@例子.中国", 1},
        {"mailto:a@localhost", 1},
        {"mailto:should.fail.com", 0},
        {"mailto:@example.org", 0},
        {"mailto:a@", 0},
        {"mailto:a@b@c.org", 0},
        {"mailto:a@example..org", 0},
        {"mailto:a@.example.org", 0},
        {"mailto:a@example.org.", 0},
        {"mailto:a b@example.org", 0},
        {"mailto:a@example.org?subject=x", 0},
        {"mailto:a%4@example.org", 0},
        {"MAILTO:a@example.org", 0},
        {"a@example.org", 0},
        {"http://should.fail.com", 0},
        {"", 0},
        {NULL, 0},
    };
    check_table("xapi_mbox_valid", xapi_mbox_valid, t, N_ELEMS(t));
}

static void sha1_hex_valid_table(void **state)
{
    static const struct str_case t[] = {
        {"cd9b00a5611f94eaa7b1661edab976068e364975", 1},
        {"CD9B00A5611F94EAA7B1661EDAB976068E364975", 1},
        {"cd9b00a5611f94eaa7b1661edab976068e36497", 0},
        {"cd9b00a5611f94eaa7b1661edab976068e3649755", 0},
        {"cd9b00a5611f94eaa7b1661edab976068e36497g", 0},
        {"", 0},
        {NULL, 0},
    };
    check_table("xapi_sha1_hex_valid", xapi_sha1_hex_valid, t, N_ELEMS(t));
}

/* ------------------------------------------------------ paths, problems */

/* The text of PATH, for comparisons. */
static const char *rendered(const struct xapi_path *path)
{
    static char text[2048];
    xapi_path_render(path, text, sizeof(text));
    return text;
}

static void path_builds_and_pops(void **state)
{
    struct xapi_path path;
    xapi_path_init(&path, NULL);
    assert_string_equal(rendered(&path), "");
    size_t a = xapi_path_key(&path, "object");
    assert_int_equal(a, 0);
    xapi_path_key(&path, "definition");
    size_t b = xapi_path_key(&path, "choices");
    xapi_path_index(&path, 2);
    xapi_path_key(&path, "id");
    assert_string_equal(rendered(&path), "object.definition.choices[2].id");
    xapi_path_pop(&path, b);
    assert_string_equal(rendered(&path), "object.definition");
    xapi_path_key(&path, "http://example.org/a\"b\\c\n");
    assert_string_equal(rendered(&path),
                        "object.definition[\"http://example.org/a\\\"b\\\\c\\u000a\"]");
    xapi_path_pop(&path, a);
    assert_string_equal(rendered(&path), "");
    assert_int_equal(path.depth, 0);

    xapi_path_init(&path, "[3]");
    xapi_path_key(&path, "actor");
    xapi_path_entry(&path, "en");
    assert_string_equal(rendered(&path), "[3].actor[\"en\"]");
    xapi_path_init(&path, "");
    xapi_path_key(&path, "en-US");
    assert_string_equal(rendered(&path), "[\"en-US\"]");
}

static void path_is_cut_not_overflowed(void **state)
{
    /* Deeper than the segments kept: pops still line up, the rest shows as "…". */
    struct xapi_path path;
    xapi_path_init(&path, "a");
    size_t marks[XAPI_PATH_DEPTH + 10];
    for (size_t i = 0; i < N_ELEMS(marks); i++)
        marks[i] = xapi_path_index(&path, i % 10);
    const char *text = rendered(&path);
    assert_int_equal(strlen(text), 1 + 3 * XAPI_PATH_DEPTH + strlen("…"));
    assert_string_equal(text + strlen(text) - strlen("[3]…"), "[3]…");
    xapi_path_pop(&path, marks[XAPI_PATH_DEPTH + 5]);
    xapi_path_pop(&path, marks[2]);
    assert_string_equal(rendered(&path), "a[0][1]");

    /* A problem gets the start that fits its 160 bytes, cut at a character boundary. */
    struct xapi_problem p;
    xapi_path_init(&path, "");
    for (int i = 0; i < 60; i++)
        xapi_path_entry(&path, "名");
    assert_int_equal(xapi_problem_set(&p, &path, "xapi_iri", NULL), XAPI_ERR_INVALID);
    assert_true(strlen(p.path) < sizeof(p.path));
    assert_true(strlen(p.path) > sizeof(p.path) - 8);
    assert_true(utf8_valid(p.path, strlen(p.path)));
    assert_int_equal(strncmp(p.path, rendered(&path), strlen(p.path)), 0);
    assert_string_equal(p.msg, "xapi_iri");
    assert_string_equal(p.arg, "");

    /* A long key: the render buffer is bounded too. */
    char key[3000];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = 0;
    xapi_path_init(&path, "x");
    xapi_path_key(&path, key);
    char small[16];
    assert_int_equal(xapi_path_render(&path, small, sizeof(small)), 15);
    assert_string_equal(small, "x.kkkkkkkkkkkkk");
}

static void keys_check_rules(void **state)
{
    static const char *const allowed[] = {"id", "display", NULL};
    struct xapi_path path;
    struct xapi_problem p;
    xapi_path_init(&path, "verb");
    json_t *o = parse("{'id':'x','display':null}");
    assert_int_equal(xapi_keys_check(o, allowed, NULL, "Verb", &path, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "verb.display");
    assert_string_equal(p.msg, "xapi_null");
    xapi_path_init(&path, "verb"); /* a problem leaves the path where it was found */
    assert_int_equal(xapi_keys_check(o, allowed, "display", "Verb", &path, &p), XAPI_OK);
    assert_string_equal(rendered(&path), "verb"); /* restored */
    json_decref(o);

    o = parse("{'ID':'x'}");
    assert_int_equal(xapi_keys_check(o, allowed, NULL, "Verb", &path, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "verb.ID");
    assert_string_equal(p.msg, "xapi_property_case");
    assert_string_equal(p.arg, "id");
    json_decref(o);
}

/* ----------------------------------------------------------------- agents */

static void agent_validate_uses_the_given_path(void **state)
{
    struct xapi_problem p;
    json_t *a = parse("{'mbox':'a@example.org'}");
    assert_int_equal(xapi_agent_validate(a, XAPI_V103, "agent", &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "agent.mbox");
    assert_string_equal(p.msg, "xapi_mbox");
    assert_int_equal(xapi_agent_validate(a, XAPI_V20, "", &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "mbox");
    json_decref(a);

    a = parse("{'objectType':'Group','member':[{'mbox':'mailto:a@b.org'},{'openid':'x'}]}");
    assert_int_equal(xapi_agent_validate(a, XAPI_V20, "context.team", &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "context.team.member[1].openid");
    assert_string_equal(p.msg, "xapi_iri");
    json_decref(a);

    a = parse("{'objectType':'Group','member':[{'mbox':'mailto:a@b.org'}]}");
    assert_int_equal(xapi_agent_validate(a, XAPI_V103, "agent", &p), XAPI_OK);
    json_decref(a);
    a = parse("[]");
    assert_int_equal(xapi_agent_validate(a, XAPI_V103, "agent", &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "agent");
    assert_string_equal(p.msg, "xapi_not_object");
    json_decref(a);
}

static void agent_key_table(void **state)
{
    static const struct {
        const char *agent, *key;
    } t[] = {
        {"{'mbox':'mailto:a@example.org','name':'A'}", "mbox:mailto:a@example.org"},
        {"{'objectType':'Agent','mbox_sha1sum':'CD9B00A5611F94EAA7B1661EDAB976068E364975'}",
         "mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975"},
        {"{'openid':'http://openid.example.org/12345'}", "openid:http://openid.example.org/12345"},
        {"{'account':{'name':'12 34','homePage':'http://example.org'}}",
         "account:http://example.org 12 34"},
        {"{'objectType':'Group','mbox':'mailto:team@example.org','member':[{'mbox':'mailto:"
         "a@example.org'}]}",
         "mbox:mailto:team@example.org"},
    };
    for (size_t i = 0; i < N_ELEMS(t); i++) {
        json_t *a = parse(t[i].agent);
        char key[128];
        assert_int_equal(xapi_agent_key(a, key, sizeof(key)), 0);
        assert_string_equal(key, t[i].key);
        json_decref(a);
    }
}

static void agent_key_without_identifier(void **state)
{
    char key[64] = "x";
    json_t *a = parse("{'objectType':'Group','member':[{'mbox':'mailto:a@example.org'}]}");
    assert_int_equal(xapi_agent_key(a, key, sizeof(key)), -1);
    assert_string_equal(key, "");
    json_decref(a);
    a = parse("'mailto:a@example.org'");
    assert_int_equal(xapi_agent_key(a, key, sizeof(key)), -1);
    json_decref(a);
}

static void agent_key_too_small(void **state)
{
    json_t *a = parse("{'mbox':'mailto:a@example.org'}");
    char key[25]; /* "mbox:mailto:a@example.org" needs 26 */
    assert_int_equal(xapi_agent_key(a, key, sizeof(key)), XAPI_ERR_NOMEM);
    assert_string_equal(key, "");
    char fits[26];
    assert_int_equal(xapi_agent_key(a, fits, sizeof(fits)), 0);
    assert_string_equal(fits, "mbox:mailto:a@example.org");
    json_decref(a);
}

/* ----------------------------------------------------------- statements */

static void statements_single_and_batch(void **state)
{
    struct xapi_problem p;
    json_t *b = parse("[]");
    assert_int_equal(xapi_statements_validate(b, XAPI_V103, &p), XAPI_OK);
    json_decref(b);

    b = parse(ST(""));
    assert_int_equal(xapi_statements_validate(b, XAPI_V20, &p), XAPI_OK);
    json_decref(b);

    b = parse("[" ST("") "," ST("") "," WITH_VERB("{'id':'attended'}") "]");
    assert_int_equal(xapi_statements_validate(b, XAPI_V103, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "[2].verb.id");
    assert_string_equal(p.msg, "xapi_iri");
    json_decref(b);

    b = parse("[" ST("") ",17]");
    assert_int_equal(xapi_statements_validate(b, XAPI_V103, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "[1]");
    assert_string_equal(p.msg, "xapi_not_object");
    json_decref(b);

    b = parse("'a statement'");
    assert_int_equal(xapi_statements_validate(b, XAPI_V20, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "");
    assert_string_equal(p.msg, "xapi_statements_body");
    json_decref(b);
}

static void statements_batch_repeats_an_id(void **state)
{
    struct xapi_problem p;
    json_t *b = parse("[" ST(",'id':'fd41c918-b88b-4b20-a0a5-a4c32391aaa0'") "," ST("") "," ST(
        ",'id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0'") "," ST(",'id':'FD41C918-B88B-4B20-A0A5-"
                                                               "A4C32391AAA0'") "," ST("") "]");
    assert_int_equal(xapi_statements_validate(b, XAPI_V20, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "[3].id");
    assert_string_equal(p.msg, "xapi_batch_duplicate_id");
    assert_string_equal(p.arg, "[0]");
    json_decref(b);

    b = parse("[" ST(",'id':'fd41c918-b88b-4b20-a0a5-a4c32391aaa0'") "," ST(
        ",'id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0'") "," ST("") "," ST("") "]");
    assert_int_equal(xapi_statements_validate(b, XAPI_V20, &p), XAPI_OK);
    json_decref(b);
}

static void statements_batch_nomem(void **state)
{
    struct xapi_problem p;
    json_t *b = parse("[" ST(",'id':'fd41c918-b88b-4b20-a0a5-a4c32391aaa0'") "," ST(
        ",'id':'8f87ccde-bb56-4c2e-ab83-44982ef22df0'") "]");
    cc_alloc_fail_after(1);
    int rc = xapi_statements_validate(b, XAPI_V103, &p);
    cc_alloc_fail_after(0);
    assert_int_equal(rc, XAPI_ERR_NOMEM);
    assert_int_equal(xapi_statements_validate(b, XAPI_V103, &p), XAPI_OK);
    json_decref(b);
}

/* A long component list takes the sorting path; the second use is still the one named. */
static void long_component_list_repeats_an_id(void **state)
{
    json_t *st = parse(DEF("{'interactionType':'choice','choices':[]}"));
    json_t *choices =
        json_object_get(json_object_get(json_object_get(st, "object"), "definition"), "choices");
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof(id), "c%d", i == 35 ? 7 : i);
        json_array_append_new(choices, json_pack("{ss}", "id", id));
    }
    struct xapi_problem p;
    assert_int_equal(xapi_statement_validate(st, XAPI_V20, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "object.definition.choices[35].id");
    assert_string_equal(p.msg, "xapi_component_id_duplicate");
    json_array_set_new(choices, 35, json_pack("{ss}", "id", "c35"));
    assert_int_equal(xapi_statement_validate(st, XAPI_V20, &p), XAPI_OK);
    json_decref(st);
}

/* A string with a NUL inside is not judged by its first part. */
static void string_with_nul_is_rejected(void **state)
{
    json_t *st = parse(ST(""));
    json_object_set_new(json_object_get(st, "verb"), "id",
                        json_stringn("http://example.org/v\0 x", 23));
    struct xapi_problem p;
    assert_int_equal(xapi_statement_validate(st, XAPI_V103, &p), XAPI_ERR_INVALID);
    assert_string_equal(p.path, "verb.id");
    assert_string_equal(p.msg, "xapi_not_string");
    json_decref(st);
}

/* ------------------------------------------------------------- messages */

/* The conversions of a printf format, e.g. "s" for one %s. */
static void conversions(const char *fmt, char *out, size_t size)
{
    size_t n = 0;
    for (const char *c = fmt; *c; c++)
        if (*c == '%' && c[1] && n + 1 < size)
            out[n++] = *++c;
    out[n] = 0;
}

static void messages_sorted_and_translated(void **state)
{
    size_t n = 0;
    for (const char *id; (id = xapi_message_id(n)); n++) {
        const char *prev = n ? xapi_message_id(n - 1) : NULL;
        if (prev && strcmp(prev, id) >= 0)
            fail_msg("message table not sorted at %s", id);
        const char *en = xapi_message(id, LANG_EN), *zh = xapi_message(id, LANG_ZH);
        if (en == id || zh == id || !*en || !*zh || strcmp(en, zh) == 0)
            fail_msg("message %s: missing, empty or untranslated", id);
        char ce[8], cz[8];
        conversions(en, ce, sizeof(ce));
        conversions(zh, cz, sizeof(cz));
        /* The LRS passes the text to printf with one argument: at most one %s. */
        if (strcmp(ce, cz) != 0 || (strcmp(ce, "") != 0 && strcmp(ce, "s") != 0))
            fail_msg("message %s: conversions en \"%s\", zh \"%s\"", id, ce, cz);
        if (!utf8_valid(en, strlen(en)) || !utf8_valid(zh, strlen(zh)))
            fail_msg("message %s: not UTF-8", id);
    }
    assert_true(n >= 40);
    assert_null(xapi_message_id(n + 1));
}

static void messages_fall_back_to_i18n(void **state)
{
    assert_string_equal(xapi_message("xapi_required", LANG_EN), "is required");
    assert_string_equal(xapi_message("xapi_required", LANG_ZH), "为必填项");
    assert_string_equal(xapi_message("not_found", LANG_EN), i18n_text("not_found", LANG_EN));
    assert_string_equal(xapi_message("not_found", LANG_ZH), "未找到。");
    const char *unknown = "xapi_no_such_message";
    assert_ptr_equal(xapi_message(unknown, LANG_EN), unknown);
    assert_ptr_equal(xapi_message("", LANG_ZH), i18n_text("", LANG_ZH));
}

int main(void)
{
    static const struct CMUnitTest functions[] = {
        cmocka_unit_test(uuid_valid_table),
        cmocka_unit_test(uuid_parse_ignores_case),
        cmocka_unit_test(iri_valid_table),
        cmocka_unit_test(lang_tag_valid_table),
        cmocka_unit_test(duration_valid_table),
        cmocka_unit_test(timestamp_valid_table),
        cmocka_unit_test(mbox_valid_table),
        cmocka_unit_test(sha1_hex_valid_table),
        cmocka_unit_test(path_builds_and_pops),
        cmocka_unit_test(path_is_cut_not_overflowed),
        cmocka_unit_test(keys_check_rules),
        cmocka_unit_test(agent_validate_uses_the_given_path),
        cmocka_unit_test(agent_key_table),
        cmocka_unit_test(agent_key_without_identifier),
        cmocka_unit_test(agent_key_too_small),
        cmocka_unit_test(statements_single_and_batch),
        cmocka_unit_test(statements_batch_repeats_an_id),
        cmocka_unit_test(statements_batch_nomem),
        cmocka_unit_test(long_component_list_repeats_an_id),
        cmocka_unit_test(string_with_nul_is_rejected),
        cmocka_unit_test(messages_sorted_and_translated),
        cmocka_unit_test(messages_fall_back_to_i18n),
    };
    /* One test per table row, named by the row, with the row as its state. */
    size_t n = N_ELEMS(functions) + N_ELEMS(rows);
    struct CMUnitTest *tests = cc_calloc(n, sizeof(*tests));
    if (!tests)
        return 1;
    memcpy(tests, functions, sizeof(functions));
    for (size_t i = 0; i < N_ELEMS(rows); i++) {
        struct CMUnitTest *t = &tests[N_ELEMS(functions) + i];
        t->name = rows[i].name;
        t->test_func = table_row;
        t->initial_state = (void *)&rows[i];
    }
    int failed = _cmocka_run_group_tests("xapi_statement", tests, n, NULL, NULL);
    cc_free(tests);
    return failed;
}
