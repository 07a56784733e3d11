# bash completion for precedent(1).  Installed by `make install` into
# bash-completion's directory; tests/cli/completion.sh checks that every
# command and option `precedent --help` and `precedent COMMAND --help`
# show is here.

_precedent()
{
	local cur prev cmd i opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}

	# The command is the first word that is not a global option or its
	# argument.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--db|--wait) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $prev in
	--format)
		COMPREPLY=($(compgen -W 'table csv json markdown html svg ics' -- "$cur")); return ;;
	--delimiter)
		COMPREPLY=($(compgen -W 'auto tab , \\;' -- "$cur")); return ;;
	--encoding)
		COMPREPLY=($(compgen -W 'utf-8 windows-1252 latin1 utf-16 utf-16le utf-16be' -- "$cur")); return ;;
	--date-format)
		COMPREPLY=($(compgen -W 'YYYY-MM-DD DD/MM/YYYY MM/DD/YYYY D.M.YYYY' -- "$cur")); return ;;
	--status-map)
		COMPREPLY=($(compgen -W 'done= ongoing=' -- "$cur")); compopt -o nospace 2>/dev/null; return ;;
	--calendar)
		COMPREPLY=($(compgen -W 'all weekdays' -- "$cur")); return ;;
	--criterion)
		COMPREPLY=($(compgen -W 'aicc aic bic' -- "$cur")); return ;;
	--family)
		COMPREPLY=($(compgen -W 'all exponential gamma weibull lognormal loglogistic normal' -- "$cur")); return ;;
	--chart)
		COMPREPLY=($(compgen -W 'gantt curve history drivers reliability' -- "$cur")); return ;;
	--db|--holidays|--template|--model|-o|--output)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac

	case $cmd in
	'')
		opts='--db --wait --quiet --help --version'
		COMPREPLY=($(compgen -W "import history fitdist fit model plan whatif backtest report help version $opts" -- "$cur"))
		return ;;
	help)
		COMPREPLY=($(compgen -W 'import history fitdist fit model plan whatif backtest report' -- "$cur"))
		return ;;
	import)
		opts='--as-of --map --date-format --delimiter --encoding --status-map --dry-run --skip-invalid --quiet --help' ;;
	history)
		opts='--attributes --format --safe-csv --help'
		[[ $cur != -* ]] && opts="$opts attributes" ;;
	fitdist)
		opts='--family --column --censor-column --decimal-comma --whole-days --criterion --format --gof-bootstrap --bootstrap --seed --help' ;;
	fit)
		opts='--like --min-class --family --criterion --format --safe-csv --help' ;;
	model)
		opts='--id --model --help'
		[[ $cur != -* ]] && opts="$opts export" ;;
	plan)
		opts='--start --customer --like --min-class --template --model --calendar --holidays --iterations --seed --threads --ci --independent --half-life --drift --show-structure --confidence --format --safe-csv --calibrate --planned --help' ;;
	whatif)
		opts='--start --deadline --as-of --done --started --shift --scale --skip --with --slot --slot-every --slot-notice --against --curve --confidence --like --min-class --template --model --calendar --holidays --iterations --seed --threads --ci --independent --half-life --drift --format --safe-csv --calibrate --help' ;;
	backtest)
		opts='--holdout --min-known --forecasts --like --min-class --calendar --holidays --half-life --drift --iterations --seed --threads --format --safe-csv --summary --calibrate --help' ;;
	report)
		opts='--start --deadline --customer --confidence --slot --ci --no-backtest --chart --format --output -o --like --min-class --template --model --calendar --holidays --iterations --seed --threads --independent --half-life --drift --help' ;;
	*)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	else
		COMPREPLY=($(compgen -W "$opts" -- "$cur") $(compgen -f -- "$cur"))
	fi
}
complete -F _precedent precedent
