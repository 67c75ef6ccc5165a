// Package wecom is the WeCom (企业微信) adapter: a self-built application's
// callback (people in WeCom: stewards, committees, departments), its app
// messages and template cards, the groups' robots, and WeChat customer
// service (微信客服) for residents in plain WeChat. It turns what WeCom
// pushes into bot.Update values (stored by the inbox first, so WeCom gets
// its answer within 5 seconds) and implements bot.Sender for the outbox.
//
// github.com/silenceper/wechat/v2 does the crypto (util.Signature,
// DecryptMsg), the access tokens (through the cache interface, backed by
// PostgreSQL so every serve process shares one token) and the API calls
// (work/message, work/material, work/robot, work/kf); this package adds
// contexts, timeouts, errcode classification and what the library lacks
// (template cards and their update, kf menus).
package wecom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work/config"
	wctx "github.com/silenceper/wechat/v2/work/context"
	"github.com/silenceper/wechat/v2/work/kf"
	"github.com/silenceper/wechat/v2/work/material"
	"github.com/silenceper/wechat/v2/work/message"
	"github.com/silenceper/wechat/v2/work/robot"

	"github.com/alleybot/alleybot/bot"
)

// Options configure the adapter (config section wecom:).
type Options struct {
	CorpID         string
	AgentID        string
	Secret         string // the application's secret
	Token          string // the callback's token
	EncodingAESKey string // the callback's key (43 characters)
	KfSecret       string // WeChat customer service's secret ("" = no residents on WeChat)
	// APIEndpoint replaces https://qyapi.weixin.qq.com (a fake in tests,
	// a proxy in production). The library's hosts are fixed; this is the
	// one place that redirects them.
	APIEndpoint   string
	Cache         cache.Cache   // shared between processes (PostgreSQL); required
	HTTPTimeout   time.Duration // every call; default 15s
	MaxPhotoBytes int64         // default 10 MiB (WeCom's image limit)
	MaxSkew       time.Duration // a callback's timestamp may differ this much from now; default 5m
	Log           *slog.Logger
	Now           func() time.Time
}

// Adapter is the WeCom adapter.
type Adapter struct {
	Chats    // what a WeCom chat can do (bot.Chats)
	opts     Options
	msg      *message.Client
	material *material.Client
	robot    *robot.Client
	kf       *kf.Client
	kfMedia  *material.Client // media with the customer-service token
	appToken credential.AccessTokenContextHandle
	kfToken  credential.AccessTokenContextHandle
	agentID  int    // the application's AgentId: an integer in every request, as WeCom documents it
	appKey   string // the access token's cache key (deleted on an invalid-token errcode)
	kfKey    string
	client   *http.Client
}

const defaultHost = "https://qyapi.weixin.qq.com"

var setupOnce sync.Mutex

// New checks the options and builds the library's clients. It does not call
// WeCom (the first send fetches a token).
func New(opts Options) (*Adapter, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{{"wecom.corp_id", opts.CorpID}, {"wecom.agent_id", opts.AgentID},
		{"wecom.secret", opts.Secret}, {"wecom.token", opts.Token}, {"wecom.encoding_aes_key", opts.EncodingAESKey}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("wecom: %s must be set", strings.Join(missing, ", "))
	}
	agentID, err := strconv.Atoi(strings.TrimSpace(opts.AgentID))
	if err != nil || agentID <= 0 {
		return nil, fmt.Errorf("wecom: wecom.agent_id must be the application's AgentId, a number such as 1000002 (not %q)", opts.AgentID)
	}
	if len(opts.EncodingAESKey) != 43 {
		return nil, errors.New("wecom: wecom.encoding_aes_key must be the 43 characters WeCom shows")
	}
	if opts.Cache == nil {
		return nil, errors.New("wecom: no token cache")
	}
	if opts.HTTPTimeout <= 0 {
		opts.HTTPTimeout = 15 * time.Second
	}
	if opts.MaxPhotoBytes <= 0 {
		opts.MaxPhotoBytes = 10 << 20
	}
	if opts.MaxSkew <= 0 {
		opts.MaxSkew = 5 * time.Minute
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Adapter{opts: opts, agentID: agentID, client: &http.Client{Timeout: opts.HTTPTimeout, Transport: bot.KeepAliveTransport()}}
	setupOnce.Lock()
	// The library's calls use one global client and fixed hosts: the
	// client gets a timeout, and the hosts go to APIEndpoint when set.
	util.DefaultHTTPClient = a.client
	if ep := strings.TrimRight(opts.APIEndpoint, "/"); ep != "" && ep != defaultHost {
		util.SetURIModifier(func(uri string) string {
			return strings.Replace(strings.Replace(uri, defaultHost, ep, 1), "https://api.weixin.qq.com", ep, 1)
		})
	} else {
		util.SetURIModifier(nil)
	}
	setupOnce.Unlock()

	cfg := &config.Config{CorpID: opts.CorpID, CorpSecret: opts.Secret, AgentID: opts.AgentID, Cache: opts.Cache,
		Token: opts.Token, EncodingAESKey: opts.EncodingAESKey}
	a.appToken = credential.NewWorkAccessToken(opts.CorpID, opts.Secret, opts.AgentID, credential.CacheKeyWorkPrefix, opts.Cache)
	a.appKey = fmt.Sprintf("%s_access_token_%s_%s", credential.CacheKeyWorkPrefix, opts.CorpID, opts.AgentID)
	c := &wctx.Context{Config: cfg, AccessTokenHandle: a.appToken}
	a.msg, a.material, a.robot = message.NewClient(c), material.NewClient(c), robot.NewClient(c)
	if opts.KfSecret != "" {
		kcfg := *cfg
		kcfg.CorpSecret, kcfg.AgentID = opts.KfSecret, "kf"
		client, err := kf.NewClient(&kcfg)
		if err != nil {
			return nil, fmt.Errorf("wecom: customer service: %w", err)
		}
		a.kf = client
		a.kfToken = credential.NewWorkAccessToken(opts.CorpID, opts.KfSecret, "kf", credential.CacheKeyWorkPrefix, opts.Cache)
		a.kfKey = fmt.Sprintf("%s_access_token_%s_%s", credential.CacheKeyWorkPrefix, opts.CorpID, "kf")
		a.kfMedia = material.NewClient(&wctx.Context{Config: &kcfg, AccessTokenHandle: a.kfToken})
	}
	return a, nil
}

// Kf reports whether WeChat customer service is configured.
func (a *Adapter) Kf() bool { return a.kf != nil }

// WeCom's errcodes the adapter acts on (全局错误码; the customer-service
// ones from its own list).
const (
	errInvalidToken = 40014 // invalid access_token
	errTokenExpired = 42001 // access_token expired
	errInvalidCred  = 40001 // invalid credential (a token from another secret)
	errNoToken      = 41001 // access_token missing
	errFreq         = 45009 // api freq out of limit (30 a minute per member, 20 per robot)
	errFreqUser     = 45033 // too many concurrent calls
	errFreqDaily    = 45047 // over the daily limit
	errMenuTooLong  = 45098 // msgmenu list size is out of limit (more than 10 items)
	errMediaID      = 40007 // invalid media_id (a temporary one lives 3 days)
)

// permanent are refusals a retry meets again: the person or the group is
// not reachable by this app, the message itself is wrong.
var permanent = map[int64]bool{
	81013: true, 82001: true, // no valid recipient
	60011: true, 60111: true, 301002: true, 48002: true, // not in the app's range, no such user, not allowed
	93000: true, 93004: true, // the robot's key is wrong, the robot was removed
	95000: true, 95001: true, 95002: true, 95004: true, 40096: true, // customer service: account, 5 replies, 48 hours, touser
	42014: true, 40058: true, 42018: true, 42019: true, 42020: true, 41016: true, // a card WeCom refuses
	44004: true, 40007: true, 40008: true, 40009: true, 45002: true, // empty, unknown media, type, too large
	45098: true, // a customer-service menu with more items than WeCom allows
}

// APIError is an errcode WeCom answered.
type APIError struct {
	API     string
	Code    int64
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d %s", e.API, e.Code, e.Message)
}

// apiError extracts the errcode of a library error (nil when there is none).
func apiError(api string, err error) *APIError {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return &APIError{API: api, Code: ce.ErrCode, Message: ce.ErrMsg}
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

// classify turns a call's error into what the outbox acts on: a rate
// limit waits (*bot.RetryAfterError), a refusal that will not change is
// *bot.PermanentError (recorded in send_failures), anything else is
// retried with backoff.
func classify(api string, err error) error {
	if err == nil {
		return nil
	}
	ae := apiError(api, err)
	if ae == nil {
		return fmt.Errorf("wecom %s: %w", api, scrub(err))
	}
	switch ae.Code {
	case errFreq:
		// WeCom counts per member (30 a minute from one app) and per robot
		// (20 a minute): only that chat waits out the minute.
		return &bot.RetryAfterError{Platform: bot.WeCom, Method: api, After: 60 * time.Second, Chat: true}
	case errFreqUser:
		return &bot.RetryAfterError{Platform: bot.WeCom, Method: api, After: 60 * time.Second}
	case errFreqDaily:
		return &bot.RetryAfterError{Platform: bot.WeCom, Method: api, After: time.Hour}
	}
	if permanent[ae.Code] {
		return &bot.PermanentError{Platform: bot.WeCom, Method: api, Code: int(ae.Code), Description: ae.Message}
	}
	return ae
}

// secretParam is a secret in a URL's query: the access token, the app's
// secret (gettoken) or a group robot's key (webhook/send).
var secretParam = regexp.MustCompile(`((?:access_token|corpsecret|key)=)[^&\s"',)]+`)

// scrubbed is an error whose text had a secret in it (the library's HTTP
// errors carry the whole URI: "http post error : uri=…?access_token=…").
type scrubbed struct {
	msg string
	err error // the cause without the URI (a timeout, a refused connection), or nil
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub removes access tokens, secrets and robot keys from an error's text,
// so that no log line or send_failures row carries one.
func scrub(err error) error {
	if err == nil || !secretParam.MatchString(err.Error()) {
		return err
	}
	s := &scrubbed{msg: secretParam.ReplaceAllString(err.Error(), "$1<redacted>")}
	var ue *url.Error
	if errors.As(err, &ue) && !secretParam.MatchString(ue.Err.Error()) {
		s.err = ue.Err
	}
	return s
}

// tokenRefused reports an errcode that means "fetch a new token".
func tokenRefused(err error) bool {
	ae := apiError("", err)
	return ae != nil && (ae.Code == errInvalidToken || ae.Code == errTokenExpired || ae.Code == errInvalidCred || ae.Code == errNoToken)
}

// withToken runs call; if WeCom refused the access token, the cached one
// is dropped (for every process) and call runs once more with a new one.
func (a *Adapter) withToken(ctx context.Context, kfToken bool, call func() error) error {
	err := call()
	if !tokenRefused(err) {
		return err
	}
	key := a.appKey
	if kfToken {
		key = a.kfKey
	}
	a.opts.Log.Info("wecom: access token refused, fetching a new one", "err", scrub(err))
	if derr := a.opts.Cache.Delete(key); derr != nil {
		return errors.Join(err, derr)
	}
	return call()
}
