package command

import (
	"fmt"
	"strings"
)

// Database-wide commands: flushing, persistence, memory, vacuum, configuration.
func init() {
	register(
		Spec{Name: "FLUSHDB", Flags: flagNoTxn, Run: cmdFlush, Summary: "Remove every key, schema, view and index (logged)."},
		Spec{Name: "FLUSHALL", Flags: flagNoTxn, Run: cmdFlush, Summary: "Alias of FLUSHDB (accepts ASYNC|SYNC)."},
		Spec{Name: "WIPEDB", Flags: flagNoTxn, Run: cmdFlush, Summary: "FLUSHDB and reset memory accounting."},
		Spec{Name: "SAVE", Flags: flagNoTxn, Run: cmdSave, Summary: "Write a snapshot synchronously."},
		Spec{Name: "BGSAVE", Flags: flagNoTxn, Run: cmdSave, Summary: "Write a snapshot in the background."},
		Spec{Name: "MEMUSAGE", Flags: flagNoTxn, Run: cmdMemUsage, Summary: "Estimated bytes used by keys, values, versions and indexes."},
		Spec{Name: "VACUUM", Flags: flagNoTxn, Run: cmdVacuum, Summary: "Remove versions no transaction can see."},
		Spec{Name: "INFO", Flags: flagNoTxn, Run: cmdInfo, Summary: "Server information and statistics."},
		Spec{Name: "CONFIG", Flags: flagNoTxn, Run: cmdConfig, Summary: "CONFIG GET pattern | CONFIG RESETSTAT."},
	)
}

func cmdFlush(c *Call) (Reply, error) {
	if len(c.Args) > 1 {
		if !(c.Name == "FLUSHALL" && len(c.Args) == 2 &&
			(lower(c.str(1)) == "async" || lower(c.str(1)) == "sync")) {
			return Reply{}, arity(c.Name + " takes no arguments")
		}
	}
	if c.S.tx != nil {
		name := c.Name
		if name == "FLUSHALL" {
			name = "FLUSHDB"
		}
		return Reply{}, errorf(ErrTxnState,
			"%s cannot be run inside a transaction. Please COMMIT or ROLLBACK first.", name)
	}
	if err := c.env.Txns.Reset(); err != nil {
		return Reply{}, err
	}
	if c.Name == "WIPEDB" && c.env.Host != nil {
		c.env.Host.Wipe()
	}
	return OK(), nil
}

func cmdSave(c *Call) (Reply, error) {
	if len(c.Args) != 1 {
		return Reply{}, arity(c.Name + " takes no arguments")
	}
	if c.env.Host == nil || !c.env.Host.Persistent() {
		return Reply{}, errorf(ErrUnsupported, "%s is not supported when persistence is disabled", c.Name)
	}
	bg := c.Name == "BGSAVE"
	if err := c.env.Host.Save(bg); err != nil {
		return Reply{}, err
	}
	if bg {
		return Simple("Background saving started"), nil
	}
	return OK(), nil
}

func cmdMemUsage(c *Call) (Reply, error) {
	if len(c.Args) != 1 {
		return Reply{}, arity("MEMUSAGE takes no arguments")
	}
	return Int(c.env.Txns.Store().Mem()), nil
}

func cmdVacuum(c *Call) (Reply, error) {
	v, k := c.env.Txns.Vacuum()
	return Simple(fmt.Sprintf("Removed %d versions and %d keys", v, k)), nil
}

func cmdInfo(c *Call) (Reply, error) {
	section := ""
	if len(c.Args) > 1 {
		section = lower(c.str(1))
	}
	if c.env.Host == nil {
		return Verbatim(""), nil
	}
	return Verbatim(c.env.Host.Info(section)), nil
}

func cmdConfig(c *Call) (Reply, error) {
	if len(c.Args) < 2 {
		return Reply{}, redisArity(c.Name)
	}
	switch strings.ToUpper(c.str(1)) {
	case "GET":
		if len(c.Args) < 3 {
			return Reply{}, redisArity("config|get")
		}
		var kv []string
		if c.env.Host != nil {
			for _, p := range c.Args[2:] {
				kv = append(kv, c.env.Host.ConfigGet(string(p))...)
			}
		}
		out := make([]Reply, len(kv))
		for i, s := range kv {
			out[i] = Bulk(s)
		}
		return Map(out), nil
	case "RESETSTAT":
		return OK(), nil
	}
	return Reply{}, errorf(ErrInvalid, "unknown subcommand '%s'. Try CONFIG GET.", c.str(1))
}
