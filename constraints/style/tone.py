"""Judge-only style rows: register (formal, casual, business, academic), vocabulary level, typos and emotion.

These have no offline check: an LLM judge decides with the rubric judges/style_<name>.md. The examples
state what a correct judge decides; tests skip them offline and later measure judge agreement on them.
"""

from __future__ import annotations

from jfbench.catalog import Example, Kind, register

from ._shared import StyleConstraint

E = Example
_X10 = "ifbench_format.one_word_per_line"

# Shared answers: the same content in different registers (the question: how to prepare for a job interview).
_FORMAL = ("面接に臨むにあたっては、まず応募先の事業内容と理念を十分に把握しておくことが肝要です。そのうえで、"
           "ご自身の経験がどのように貢献し得るかを簡潔にご説明いただけるよう、準備を整えておかれることをお勧めいたします。")
_CASUAL = ("面接の準備？まずは受ける会社のことをざっと調べとこう！で、自分の経験がどう役に立つかを"
           "サクッと話せるようにしとけばバッチリだよ〜")
_BUSINESS = ("面接の準備として、以下の2点を推奨いたします。第一に、応募先の事業内容と経営方針を事前に確認してください。"
             "第二に、ご自身の経験が応募先にどう貢献できるかを、1分程度で説明できるようにまとめておいてください。")
_ACADEMIC = ("採用面接における評価は、応募者の職務適合性と組織適合性の二側面から行われるとされる。したがって、"
             "準備においては、応募先の事業特性の把握と、自己の経験が当該職務に寄与し得る根拠の言語化が有効である。")


# --- register -------------------------------------------------------------------------------------

@register
class FormalTone(StyleConstraint):
    id = "style.formal_tone"
    kind = Kind.JUDGE
    rubric = "style_formal_tone"
    aliases = ("FormalToneStyleConstraint",)
    train = True
    conflicts = ("style.casual_tone", _X10)
    test_wording = "全体を通して改まった、フォーマルな文体で書いてください。くだけた言い回し、話し言葉、俗語、絵文字や顔文字は使わないでください。"
    train_wordings = (
        "公式な場にふさわしい格調のある文体で回答してください。口語的な表現やスラング、絵文字は避けること。",
        "フォーマルな言葉づかいで統一してください。友人に話すようなくだけた口調や、流行語・略語・顔文字を混ぜてはいけません。",
        "式典のあいさつや公的な文書のような、きちんとした改まった調子で書いてください。くだけた表現は一切使わないでください。",
        "礼儀正しく改まったトーンで回答してください。話し言葉特有の言い回し（「〜じゃん」「〜っす」など）や感嘆の多用、絵文字は不可です。",
        "文章の調子を最初から最後までフォーマルに保ってください。俗っぽい語や砕けた語尾を避け、改まった語彙を選んでください。",
    )
    examples = (
        E(response=_FORMAL, passed=True),
        E(response=_ACADEMIC, passed=True, note="a formal written register"),
        E(response=_CASUAL, passed=False),
        E(response="面接の準備は、会社のことを調べておくのが大事です。あと、緊張しすぎないのもポイントっすね（笑）", passed=False,
          note="slips into slang"),
        E(response="面接ではまず応募先の理念を把握しておくことが肝要です。まあ、気楽にいけば何とかなるっしょ！", passed=False,
          note="formal at first, casual at the end"),
    )


@register
class CasualTone(StyleConstraint):
    id = "style.casual_tone"
    kind = Kind.JUDGE
    rubric = "style_casual_tone"
    aliases = ("CasualToneStyleConstraint",)
    train = True
    conflicts = ("style.formal_tone", "style.business_tone", "style.academic_tone", _X10)
    test_wording = "友だちに話しかけるような、くだけた会話調で書いてください。かしこまった敬語や硬い書き言葉は使わないでください。"
    train_wordings = (
        "親しい友人とのおしゃべりのような、カジュアルな口調で答えてください。堅苦しい言い回しは使わないで。",
        "肩の力を抜いた話し言葉で回答してください。改まった「です・ます」の調子や、論文のような硬い表現は避けること。",
        "くだけたトーンで、気軽に話しかけるように書いてください。最初から最後まで砕けた会話調を保ってください。",
        "フランクな口語で答えてください。ビジネス文書や公式文書のような堅い書き方にならないようにしてください。",
        "仲のいい人にメッセージで返信するような、ラフでカジュアルな調子で書いてください。敬語や硬い語彙は使わないこと。",
    )
    examples = (
        E(response=_CASUAL, passed=True),
        E(response="え、明日面接なんだ！会社のホームページだけは見ときなよ。あとは普段どおり話せば大丈夫だって。", passed=True),
        E(response=_FORMAL, passed=False),
        E(response=_BUSINESS, passed=False),
        E(response="面接の準備はさ、会社のことを調べとくのが一番！なお、応募書類の記載内容との整合性を確認されることを推奨いたします。",
          passed=False, note="switches to a formal register"),
    )


@register
class BusinessTone(StyleConstraint):
    id = "style.business_tone"
    kind = Kind.JUDGE
    rubric = "style_business_tone"
    aliases = ("BusinessToneStyleConstraint",)
    train = True
    conflicts = ("style.casual_tone", "style.academic_tone", _X10)
    test_wording = "ビジネス文書にふさわしい文体で書いてください。丁寧で簡潔な敬語を使い、くだけた表現、俗語、絵文字は使わないでください。"
    train_wordings = (
        "社外向けのビジネスメールや報告書のような文体で回答してください。丁寧かつ簡潔に書き、スラングや砕けた言い回しは避けること。",
        "取引先に送る文書を想定した、ビジネスにふさわしい言葉づかいで書いてください。要点を簡潔にまとめ、口語表現や絵文字は使わないでください。",
        "ビジネスの場で通用する丁寧な文章にしてください。敬語を適切に使い、冗長な前置きや俗語、くだけた語尾は避けてください。",
        "会社の公式な連絡文のようなビジネス調で書いてください。礼儀正しく、無駄のない表現を心がけ、カジュアルな言葉は使わないこと。",
        "ビジネスパーソン向けの文書として適切なトーンで回答してください。丁寧語・敬語で簡潔に述べ、友人向けのような口調や顔文字は不可です。",
    )
    examples = (
        E(response=_BUSINESS, passed=True),
        E(response="お世話になっております。先日ご依頼いただいた見積書を添付いたしました。ご確認のほど、よろしくお願いいたします。",
          passed=True),
        E(response=_CASUAL, passed=False),
        E(response=_ACADEMIC, passed=False, note="an academic register, not a business one"),
        E(response="見積書、送っときました！見といてもらえると助かります〜🙏", passed=False),
    )


@register
class AcademicTone(StyleConstraint):
    id = "style.academic_tone"
    kind = Kind.JUDGE
    rubric = "style_academic_tone"
    aliases = ("AcademicToneStyleConstraint",)
    train = True
    conflicts = ("style.casual_tone", "style.business_tone", _X10)
    test_wording = (
        "学術論文のような文体で書いてください。客観的な記述と正確な用語を用い、文末は「である」調などの書き言葉にして、"
        "話し言葉や主観的・感情的な表現は避けてください。"
    )
    train_wordings = (
        "論文やレポートのようなアカデミックな文体で回答してください。「である」調を基本とし、客観的な記述と正確な専門用語を用いること。",
        "学術的な書き言葉で記述してください。口語や感情的な言い回しを避け、事実と根拠に基づいて客観的に述べてください。",
        "研究論文の本文のような調子で書くこと。用語を正確に使い、主観的な感想やくだけた表現を入れないでください。",
        "アカデミックなトーンで回答してください。読み手に語りかける話し言葉ではなく、「である」調などの書き言葉で客観的に論じてください。",
        "学会誌に載せる文章のように、厳密で客観的な文体で書いてください。話し言葉、誇張、感情表現は避けること。",
    )
    examples = (
        E(response=_ACADEMIC, passed=True),
        E(response="梅雨は、オホーツク海高気圧と太平洋高気圧の間に形成される停滞前線によってもたらされる。"
                   "本稿では、その形成過程を気圧配置の観点から概説する。", passed=True),
        E(response=_CASUAL, passed=False),
        E(response="梅雨って本当にじめじめしてイヤですよね！でも雨のおかげでお米が育つんです。", passed=False),
        E(response="梅雨前線は停滞前線の一種である。個人的には、梅雨の時期が一年で一番好きだ！あの雨音は最高！", passed=False,
          note="subjective and emotional"),
    )


# --- vocabulary -----------------------------------------------------------------------------------

_EASY = "つゆは、六月ごろから七月ごろまで、雨がたくさんふる時期のことです。空の上で、あたたかい空気とつめたい空気がぶつかって、雨雲ができます。"
_HARD = ("梅雨は、オホーツク海高気圧と太平洋高気圧の勢力が拮抗する際に形成される停滞前線、すなわち梅雨前線の"
         "南北振動に伴って生じる長雨の季節現象である。")


@register
class DifficultVocabulary(StyleConstraint):
    id = "style.difficult_vocabulary"
    kind = Kind.JUDGE
    rubric = "style_difficult_vocabulary"
    aliases = ("DifficultVocacularyStyleConstraint",)
    conflicts = (_X10,)
    test_wording = "専門家向けの高度な語彙を使って書いてください。平易な言い換えに頼らず、分野の専門用語や硬い漢語を全体にわたって用いてください。"
    examples = (
        E(response=_HARD, passed=True),
        E(response="本症例では、経皮的冠動脈インターベンション施行後に遅発性ステント血栓症を併発したため、"
                   "抗血小板薬二剤併用療法の継続期間を再検討した。", passed=True),
        E(response=_EASY, passed=False),
        E(response="梅雨は雨が多い時期です。六月ごろに始まって、七月ごろに終わります。", passed=False),
        E(response="梅雨前線の南北振動が長雨をもたらす。でも、まあ要するに雨がたくさん降るってことだね。", passed=False,
          note="advanced only at the start"),
    )


@register
class EasyVocabulary(StyleConstraint):
    id = "style.easy_vocabulary"
    kind = Kind.JUDGE
    rubric = "style_easy_vocabulary"
    aliases = ("EasyVocabularyStyleConstraint",)
    train = True
    conflicts = (_X10,)
    test_wording = "小学生でもわかるやさしい言葉だけを使って書いてください。難しい漢語、専門用語、なじみのないカタカナ語は避けるか、やさしく言いかえてください。"
    train_wordings = (
        "小学生が読んでも理解できる、簡単な言葉づかいで回答してください。難しい熟語や専門用語は使わないこと。",
        "やさしい日本語で説明してください。子どもが知らないような語（専門用語、硬い漢語、なじみのない外来語など）は、身近な言葉に置き換えてください。",
        "小学生向けの本のような、平易な語彙だけで書いてください。専門用語が必要なときは、必ずやさしい言葉で言いかえること。",
        "子どもにもわかるように、難しい言葉を使わずに答えてください。四字熟語や学術用語、なじみのないカタカナ語は避けてください。",
        "語彙のレベルを小学生に合わせてください。日常でよく使うやさしい言葉を選び、難解な語や専門的な表現は使わないでください。",
    )
    examples = (
        E(response=_EASY, passed=True),
        E(response="はをみがくと、むし歯になりにくくなります。ごはんを食べたあとは、ていねいにみがきましょう。", passed=True),
        E(response=_HARD, passed=False),
        E(response="歯磨きは、口腔内の細菌叢を制御し、う蝕や歯周病を予防するうえで不可欠な習慣です。", passed=False),
        E(response="つゆは雨がたくさんふる時期です。これは停滞前線の南北振動によって生じる現象です。", passed=False,
          note="one sentence uses technical terms"),
    )


# --- typos ----------------------------------------------------------------------------------------

@register
class NoTypo(StyleConstraint):
    id = "style.no_typo"
    kind = Kind.JUDGE
    rubric = "style_no_typo"
    aliases = ("NoTypoStyleConstraint",)
    conflicts = (_X10,)
    test_wording = "誤字・脱字、漢字の変換ミス、送り仮名の誤りがない、正確な文章で書いてください。"
    examples = (
        E(response="会議の資料は、前日までに参加者全員へ送付してください。", passed=True),
        E(response="この機能を使うと、作業時間を大幅に短縮できます。ぜひ試してみてください。", passed=True),
        E(response="会議の資料は、前日までに参加者全員へ送付しくてださい。", passed=False, note="transposed kana"),
        E(response="この機能を使うと、作業時間を大幅に単縮できます。", passed=False, note="wrong kanji: 単縮"),
        E(response="以上の点に注意して、作業を進めて下さい。的確な判段が求められます。", passed=False,
          note="wrong kanji: 判段"),
    )


# --- emotion --------------------------------------------------------------------------------------

@register
class AngryEmotion(StyleConstraint):
    id = "style.angry_emotion"
    kind = Kind.JUDGE
    rubric = "style_angry_emotion"
    aliases = ("AngryEmotionalStyleConstraint",)
    conflicts = (_X10,)
    test_wording = "全体を通して、怒りや苛立ちがはっきり伝わる感情的な口調で書いてください。"
    examples = (
        E(response="また電車が遅れた！これで今週三回目だぞ。毎朝こっちは早起きしてるのに、いい加減にしてくれ！", passed=True),
        E(response="何度言ったらわかるんですか。締め切りは昨日だと、あれほど念を押したはずです。本当に腹が立ちます。", passed=True),
        E(response="電車が遅れていますが、焦らず次の電車を待ちましょう。", passed=False, note="calm"),
        E(response="今日は電車が時間どおりに来て、すごくうれしかった！", passed=False, note="happy"),
        E(response="電車の遅延は、人身事故や車両故障など、さまざまな原因で発生します。", passed=False, note="neutral"),
    )


@register
class HappyEmotion(StyleConstraint):
    id = "style.happy_emotion"
    kind = Kind.JUDGE
    rubric = "style_happy_emotion"
    aliases = ("HappyEmotionalStyleConstraint",)
    conflicts = (_X10,)
    test_wording = "全体を通して、穏やかで幸せな気持ちが伝わる、やわらかく明るい口調で書いてください。"
    examples = (
        E(response="日曜の朝、窓を開けると心地よい風が入ってきました。温かいお茶を飲みながら、こんな穏やかな時間があることを幸せに思います。",
          passed=True),
        E(response="久しぶりに家族みんなで夕ごはんを囲みました。何気ない会話に笑顔があふれて、心がほっと温まる夜でした。", passed=True),
        E(response="日曜なのに朝から工事の音がうるさくて、本当にイライラする。", passed=False, note="angry"),
        E(response="窓の外は雨。誰もいない部屋で、去っていった友のことを思うと涙が止まらない。", passed=False, note="sad"),
        E(response="日曜日の午前中は、多くの店舗が10時に開店します。", passed=False, note="neutral"),
    )


@register
class JoyfulEmotion(StyleConstraint):
    id = "style.joyful_emotion"
    kind = Kind.JUDGE
    rubric = "style_joyful_emotion"
    aliases = ("JoyfulEmotionalStyleConstraint",)
    conflicts = (_X10,)
    test_wording = "全体を通して、思わず跳び上がるような、喜びにあふれた高揚した口調で書いてください。"
    examples = (
        E(response="やったー！ついに第一志望に合格しました！！信じられない、うれしすぎて家の中を走り回っちゃいました！", passed=True),
        E(response="見て見て、初めて焼いたケーキがふっくら大成功！最高の気分！今すぐみんなに食べてほしい！", passed=True),
        E(response="合格の知らせを受け取りました。静かにほっとしています。", passed=False, note="calm contentment, not exuberant"),
        E(response="不合格だった。何もする気が起きない。", passed=False, note="sad"),
        E(response="合格発表は、例年3月上旬にウェブサイトで行われます。", passed=False, note="neutral"),
    )


@register
class SadEmotion(StyleConstraint):
    id = "style.sad_emotion"
    kind = Kind.JUDGE
    rubric = "style_sad_emotion"
    aliases = ("SadEmotionalStyleConstraint",)
    conflicts = (_X10,)
    test_wording = "全体を通して、悲しみや寂しさが伝わる沈んだ口調で書いてください。"
    examples = (
        E(response="長年連れ添った愛犬が、今朝静かに息を引き取りました。いつもの散歩道を一人で歩くと、胸にぽっかり穴が開いたようです。",
          passed=True),
        E(response="卒業式が終わり、もう二度とこの教室にみんなで集まることはないのだと思うと、涙が込み上げてきた。", passed=True),
        E(response="愛犬と一緒に新しいドッグランへ行きました！楽しそうに走り回る姿に元気をもらいました！", passed=False,
          note="joyful"),
        E(response="なんで散歩の途中で勝手に走り出すんだ！何度言ってもわからないのか！", passed=False, note="angry"),
        E(response="犬の平均寿命は、小型犬でおよそ14年といわれています。", passed=False, note="neutral"),
    )
