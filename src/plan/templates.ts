// Renders the plain-text files in templates/: `@@name@@` is replaced by vars[name]. (Not
// `{{name}}`: Prometheus and Grafana use that themselves.) A placeholder without a value is an
// error, so a renamed variable cannot ship as a literal placeholder.
import {KctlError} from '../errors.js'

export function renderTemplate(name: string, text: string, vars: Record<string, string | number>): string {
  return text.replace(/@@([a-zA-Z][a-zA-Z0-9]*)@@/g, (_, key: string) => {
    if (!(key in vars)) throw new KctlError(`unable to render template ${name}: no value for @@${key}@@`)
    return String(vars[key])
  })
}
