/* The coroutine scheduler and the Lua call object: scripts run per call in
 * their own coroutine and _ENV, primitives suspend and resume, hangup
 * cancels, errors are contained, ended call objects behave. */
#include "fake_call.h"
#include "runtime.h"
#include "test.h"

#include <sys/stat.h>

static struct fixture fx;
static struct ms_runtime *rt;
static int done_count;
static char scripts[128];

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void on_done(void *ud, struct ms_call *call)
{
    (void)ud;
    (void)call;
    done_count++;
}

static int setup(const char *dialplan)
{
    fixture_init(&fx);
    snprintf(scripts, sizeof scripts, "%s/scripts", fx.dir);
    mkdir(scripts, 0755);
    write_file(scripts, "dialplan.lua", dialplan);
    fixture_write_wav(&fx, "hello", 400);
    fixture_preload(&fx, "hello");
    struct ms_runtime_config c = {.scripts_dir = scripts, .entry = "dialplan.lua", .loop = fx.loop,
                                  .budget_instructions = -1, .budget_wall_ms = -1,
                                  .budget_memory_mb = -1, .budget_total_mb = -1};
    done_count = 0;
    int rc = ms_runtime_new(&rt, &c);
    if (rc == 0)
        ms_runtime_prepare(rt); /* the first generation (a broken one refuses calls) */
    return rc;
}

static struct ms_call *new_call(const char *dest, struct fake_ep *ep)
{
    struct ms_call *call;
    struct ms_call_params p = {NULL, "5551234", "Alice", dest, &fx.env, &fake_ops, ep};
    ms__call_new(&call, &p);
    ms__call_set_media(call, 8000, true, &fake_port, ep);
    return call;
}

static void teardown(void)
{
    ms_loop_advance(fx.loop, 0);
    ms_runtime_free(rt);
    fixture_free(&fx);
}

static void test_script_runs_with_primitives_and_virtual_time(void)
{
    CHECK_EQ_INT(setup("return function(call)\n"
                       "  call:answer()\n"
                       "  call.vars.before = tostring(call.state)\n"
                       "  assert(call:sleep(1500))\n"
                       "  assert(call:play('hello'))\n"
                       "  call.vars.dest = call.destination\n"
                       "  call:hangup('USER_BUSY')\n"
                       "end\n"),
                 0);
    CHECK_EQ_INT(ms_runtime_start_call(rt, fx.call, on_done, NULL), 0);
    CHECK_EQ_INT(fx.ep.answered, 0); /* nothing runs inside start */
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(fx.ep.answered, 1);
    ms_loop_advance(fx.loop, 1499);
    CHECK_EQ_INT(fx.ep.nonsilent_writes, 0);
    ms_loop_advance(fx.loop, 2000);
    CHECK_EQ_INT(done_count, 1);
    CHECK(fx.ep.nonsilent_writes >= 19 && fx.ep.nonsilent_writes <= 21); /* 400 ms of audio */
    CHECK_EQ_STR(ms_call_var_get(fx.call, "before"), "answered");
    CHECK_EQ_STR(ms_call_var_get(fx.call, "dest"), "1000");
    CHECK_EQ_STR(fx.ep.last_cause, "USER_BUSY");
    CHECK_EQ_INT(ms_runtime_running(rt), 0);
    teardown();
}

static void test_each_call_has_its_own_globals(void)
{
    setup("return function(call)\n"
          "  call.vars.seen = tostring(counter)\n"
          "  counter = (counter or 0) + 1\n"
          "  call:sleep(10)\n"
          "end\n");
    struct fake_ep ep2 = {0};
    struct ms_call *second = new_call("1001", &ep2);
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    ms_runtime_start_call(rt, second, on_done, NULL);
    ms_loop_advance(fx.loop, 100);
    CHECK_EQ_INT(done_count, 2);
    CHECK_EQ_STR(ms_call_var_get(fx.call, "seen"), "nil");
    CHECK_EQ_STR(ms_call_var_get(second, "seen"), "nil");
    ms_call_unref(second);
    teardown();
}

static void test_caller_hangup_cancels_then_raises(void)
{
    setup("local log = {}\n"
          "return function(call)\n"
          "  local guard <close> = setmetatable({}, {__close = function()\n"
          "    call.vars.closed = 'yes' end})\n"
          "  call:answer()\n"
          "  local ok, err, code = call:play({'hello', 'hello', 'hello'})\n"
          "  call.vars.play = tostring(ok) .. ' ' .. tostring(code)\n"
          "  call:play('hello')\n"
          "  call.vars.unreachable = 'reached'\n"
          "end\n");
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    ms_loop_advance(fx.loop, 200);
    ms__call_ended(fx.call, "NORMAL_CLEARING", true); /* the caller hangs up mid-prompt */
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(done_count, 1);
    CHECK_EQ_STR(ms_call_var_get(fx.call, "play"), "nil EHANGUP");
    CHECK(ms_call_var_get(fx.call, "unreachable") == NULL);
    CHECK_EQ_STR(ms_call_var_get(fx.call, "closed"), "yes");
    CHECK(ms_call_var_get(fx.call, "script_error") == NULL); /* a hangup is not an error */
    CHECK_EQ_STR(ms_call_hangup_by(fx.call), "caller");
    teardown();
}

static void test_script_error_is_contained(void)
{
    setup("return function(call)\n"
          "  call:answer()\n"
          "  local t = nil\n"
          "  return t.field\n"
          "end\n");
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(done_count, 1);
    CHECK_EQ_INT(fx.ep.hungup, 1);
    CHECK_EQ_STR(fx.ep.last_cause, "NORMAL_TEMPORARY_FAILURE");
    const char *err = ms_call_var_get(fx.call, "script_error");
    CHECK(err && strstr(err, "dialplan.lua:4:") && strstr(err, "attempt to index a nil value"));
    teardown();
}

static void test_ended_call_object(void)
{
    setup("kept = kept or {}\n"
          "local store = require('store')\n"
          "return function(call)\n"
          "  if call.destination == '1000' then\n"
          "    store.first = call\n"
          "    call:hangup()\n"
          "    return\n"
          "  end\n"
          "  local old = store.first\n"
          "  call.vars.printed = tostring(old)\n"
          "  call.vars.old_id = old.id\n"
          "  local ok, err = pcall(old.play, old, 'hello')\n"
          "  call.vars.is_hangup = tostring(require('moonswitch').is_hangup(err))\n"
          "end\n");
    write_file(scripts, "store.lua", "return {}\n");
    CHECK_EQ_INT(ms_runtime_prepare(rt), 0); /* the first try lacked store.lua */
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    ms_loop_advance(fx.loop, 0);
    struct fake_ep ep2 = {0};
    struct ms_call *second = new_call("2000", &ep2);
    ms_runtime_start_call(rt, second, on_done, NULL);
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(done_count, 2);
    CHECK_EQ_STR(ms_call_var_get(second, "printed"), "moonswitch.call (ended)");
    CHECK_EQ_STR(ms_call_var_get(second, "old_id"), ms_call_id(fx.call));
    CHECK_EQ_STR(ms_call_var_get(second, "is_hangup"), "true");
    ms_call_unref(second);
    teardown();
}

static void test_compile_error_refuses_calls(void)
{
    setup("return function(call)\n  call:answer(\nend\n");
    CHECK_EQ_INT(ms_runtime_start_call(rt, fx.call, on_done, NULL), MS_EFORMAT);
    CHECK(strstr(ms_runtime_error(rt), "dialplan.lua:3:") != NULL);
    write_file(scripts, "dialplan.lua", "return function(call) call:answer() end\n");
    CHECK_EQ_INT(ms_runtime_start_call(rt, fx.call, on_done, NULL), MS_EFORMAT); /* not yet */
    ms_runtime_reload(rt);
    ms_loop_advance(fx.loop, 0); /* waits for the files, read on the thread pool */
    CHECK(ms_runtime_error(rt) == NULL);
    CHECK_EQ_INT(ms_runtime_start_call(rt, fx.call, on_done, NULL), 0); /* fixed file is used */
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(done_count, 1);
    teardown();
}

static void test_gather_tries_and_validation(void)
{
    setup("return function(call)\n"
          "  local r = call:gather{prompt = 'hello', max = 1, tries = 3, valid = '[12]',\n"
          "                       invalid = 'hello', timeout = 2000}\n"
          "  call.vars.result = r.reason .. ':' .. r.digits .. ':' .. r.tries\n"
          "  local bad = pcall(call.gather, call, {tries = 0})\n"
          "  call.vars.bad = tostring(bad)\n"
          "end\n");
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    /* try 1: the prompt plays from 0 to 400 ms; 9 is pressed at 100 ms (barge-in) */
    ms_loop_advance(fx.loop, 100);
    ms__call_dtmf(fx.call, '9', MS_DTMF_RFC4733);
    /* invalid: the invalid sound (100-500), try 2's prompt (500-900) and its 2 s timeout
     * (to 2900), the invalid sound again (2900-3300), try 3's prompt from 3300 */
    ms_loop_advance(fx.loop, 3400);
    CHECK_EQ_INT(done_count, 0);
    ms__call_dtmf(fx.call, '2', MS_DTMF_RFC4733);
    ms_loop_advance(fx.loop, 100);
    CHECK_EQ_INT(done_count, 1);
    CHECK_EQ_STR(ms_call_var_get(fx.call, "result"), "match:2:3");
    CHECK_EQ_STR(ms_call_var_get(fx.call, "bad"), "false");
    teardown();
}

static void test_bare_yield_is_an_error(void)
{
    setup("return function(call) coroutine.yield() end\n");
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_INT(done_count, 1);
    CHECK(strstr(ms_call_var_get(fx.call, "script_error"), "coroutine.yield") != NULL);
    teardown();
}

static void test_missing_sound_and_interrupt(void)
{
    setup("return function(call)\n"
          "  local ok, err, code = call:play({'hello', 'nope/missing'})\n"
          "  call.vars.missing = tostring(ok) .. '|' .. err .. '|' .. code\n"
          "  local ok2, digit = call:play('hello', {interrupt = '5#'})\n"
          "  call.vars.interrupted = tostring(ok2) .. '|' .. tostring(digit)\n"
          "  local ok3, err3 = call:play('../../etc/passwd')\n"
          "  call.vars.escape = tostring(ok3) .. '|' .. tostring(err3)\n"
          "end\n");
    ms_runtime_start_call(rt, fx.call, on_done, NULL);
    ms_loop_advance(fx.loop, 500); /* hello (400 ms) played, then the missing one */
    CHECK_EQ_STR(ms_call_var_get(fx.call, "missing"),
                 "nil|ENOENT: no such file or directory: nope/missing|ENOENT");
    ms_loop_advance(fx.loop, 100);
    ms__call_dtmf(fx.call, '4', MS_DTMF_RFC4733); /* not an interrupt digit */
    ms_loop_advance(fx.loop, 60);
    CHECK(ms_call_var_get(fx.call, "interrupted") == NULL);
    ms__call_dtmf(fx.call, '#', MS_DTMF_RFC4733);
    ms_loop_advance(fx.loop, 0);
    CHECK_EQ_STR(ms_call_var_get(fx.call, "interrupted"), "true|#");
    CHECK(strncmp(ms_call_var_get(fx.call, "escape"), "nil|EINVAL", 10) == 0);
    CHECK_EQ_INT(done_count, 1);
    teardown();
}

int main(void)
{
    RUN(test_script_runs_with_primitives_and_virtual_time);
    RUN(test_each_call_has_its_own_globals);
    RUN(test_caller_hangup_cancels_then_raises);
    RUN(test_script_error_is_contained);
    RUN(test_ended_call_object);
    RUN(test_compile_error_refuses_calls);
    RUN(test_gather_tries_and_validation);
    RUN(test_bare_yield_is_an_error);
    RUN(test_missing_sound_and_interrupt);
    return test_summary();
}
