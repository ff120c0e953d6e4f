/**
 * The value of the first of the given environment variables that is set to a non-empty string.
 */
export function getEnv(...vars: string[]): string | undefined {
    for (const name of vars) {
        const value = process.env[name];
        if (value) {
            return value;
        }
    }
    return undefined;
}

// The spellings Go's strconv.ParseBool accepts, so that a variable means the same to every
// Pulumi SDK and provider.
const trueWords = ["1", "t", "T", "true", "TRUE", "True"];
const falseWords = ["0", "f", "F", "false", "FALSE", "False"];

/**
 * The first of the given environment variables as a boolean, or undefined when it is unset or
 * not a boolean.
 */
export function getEnvBoolean(...vars: string[]): boolean | undefined {
    const text = getEnv(...vars);
    if (text === undefined) {
        return undefined;
    }
    if (trueWords.includes(text)) {
        return true;
    }
    if (falseWords.includes(text)) {
        return false;
    }
    return undefined;
}

/**
 * The first of the given environment variables as a number, or undefined when it is unset or
 * not a number.
 */
export function getEnvNumber(...vars: string[]): number | undefined {
    const text = getEnv(...vars);
    if (text === undefined) {
        return undefined;
    }
    const value = parseFloat(text);
    return isNaN(value) ? undefined : value;
}

/**
 * The version of this SDK as the engine expects it: semver, without a leading "v".
 */
export function getVersion(): string {
    // package.json sits next to the compiled files (it is copied into bin/ when publishing).
    const version: string = require("./package.json").version;
    return version.startsWith("v") ? version.slice(1) : version;
}

/** @internal */
export function resourceOptsDefaults(): any {
    return { version: getVersion()/*pluginDownloadURL*/ };
}

/** @internal */
export function lazyLoad(exports: any, props: string[], loadModule: any) {
    for (const property of props) {
        Object.defineProperty(exports, property, {
            enumerable: true,
            get: function () {
                return loadModule()[property];
            },
        });
    }
}
