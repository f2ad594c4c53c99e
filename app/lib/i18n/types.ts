// The shape of an area module's English object: the Chinese keys, plus `x_one` beside every plural `x_other`
// (Chinese has one plural form, English two; i18next picks by `count`).
type PluralBase<K> = K extends `${infer B}_other` ? B : never;

export type English<Z> = Record<keyof Z, string> & Record<`${PluralBase<keyof Z & string>}_one`, string>;
