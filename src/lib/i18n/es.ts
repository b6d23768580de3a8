// La interfaz en español. Typed against the English table: a missing or extra string fails
// the type check. Loaded only when the page is shown in Spanish.
import type { Messages } from './en';
import type { MediaProblemCode } from '$lib/media/mediaErrors';

type Wants = 'video' | 'audio';

const OR_TEXT = 'o sigue con el chat de texto.';
const things = (wants: Wants) => (wants === 'video' ? 'cámara y micrófono' : 'micrófono');

export const es: Messages = {
	stranger: 'Desconocido',
	you: 'Tú',
	start: {
		title: 'Tangent — habla con un desconocido',
		pitch: 'Habla con un desconocido al azar. Sin registrarte.',
		online: (count, n) => `${count} ${n === 1 ? 'persona conectada' : 'personas conectadas'}`,
		chatMode: 'Tipo de chat',
		modes: {
			text: { label: 'Texto', hint: 'Solo escribir' },
			video: { label: 'Vídeo', hint: 'Cámara + micro' },
			audio: { label: 'Audio', hint: 'Solo micro' }
		},
		yourName: 'Tu nombre',
		optional: '(opcional)',
		namePlaceholder: 'Desconocido',
		nameHint:
			'Se muestra al desconocido en lugar de «Desconocido». Solo llega a su navegador y nunca se guarda.',
		interests: 'Intereses',
		yourInterests: 'Tus intereses',
		removeInterest: (tag) => `Quitar ${tag}`,
		interestsFull: (max) => `Ya tienes ${max}`,
		addAnother: 'Añade otro',
		interestsPlaceholder: 'música, cine, ajedrez…',
		interestsHint: (max) => `Buscaremos a alguien que comparta alguno. Hasta ${max}; Intro o coma después de cada uno.`,
		interestBadChars: 'Usa letras y números, como «música» o «juegos de mesa».',
		interestTooMany: (max, tag) => `Hasta ${max} intereses: quita uno para añadir «${tag}».`,
		language: 'Idioma del chat',
		anyLanguage: 'Cualquier idioma',
		interfaceLanguage: 'Idioma de la página',
		interfaceAuto: (name) => `El del navegador (${name})`,
		hideIp: 'Ocultar mi IP',
		hideIpHint: 'Usa un servidor intermedio para que el desconocido nunca vea tu dirección IP (puede bajar la calidad).',
		safeVideo: 'Vídeo seguro',
		safeVideoHint:
			'Difumina el vídeo del desconocido hasta que parezca seguro. Se comprueba en este dispositivo: las imágenes y los resultados nunca salen de él.',
		alerts: 'Sonido y notificación',
		alertsHint: 'Cuando alguien se conecta o te escribe mientras esta pestaña está en segundo plano.',
		alertsBlocked:
			'Tu navegador bloquea las notificaciones de este sitio: permítelas en la configuración del sitio para recibirlas.',
		start: 'Empezar',
		smallPrint:
			'Debes tener 18 años o más. Sé amable. Los mensajes van directamente de navegador a navegador y nunca se guardan.',
		rulesLink: 'Normas y privacidad'
	},
	chat: {
		heading: 'Chatea con un desconocido',
		chatting: 'Chateando',
		home: 'Inicio',
		stop: 'Parar',
		next: 'Siguiente',
		newChat: 'Nuevo chat',
		nextTitle: 'Siguiente desconocido (Esc dos veces)',
		controls: 'Controles del chat',
		textChat: 'Chat de texto',
		dropHint: 'Suelta para enviarlo al desconocido',
		escAsk: 'Pulsa Esc otra vez para salir de este chat',
		undo: {
			offer: '¿Saliste sin querer?',
			button: (seconds) => `Deshacer (${seconds})`,
			asking: 'Volviendo…',
			movedOn: 'Ya ha seguido adelante. Seguimos buscando a alguien nuevo…',
			tooLate: 'Demasiado tarde para volver. Seguimos buscando a alguien nuevo…',
			failed: 'No se pudo volver a ese chat. Seguimos buscando a alguien nuevo…',
			youWentBack: (name) => `Has vuelto con ${name}.`,
			theyCameBack: (name) => `${name} ha vuelto.`
		},
		keep: '¿Guardar este chat?',
		save: 'Guardar',
		copy: 'Copiar',
		copied: 'Copiado',
		chatCopied: 'Chat copiado',
		backToStart: 'Volver a la página de inicio',
		cameraOff: 'Cámara apagada',
		muted: 'Silenciado',
		micOn: 'Micro activado',
		onTheLine: 'En línea',
		waiting: 'Esperando…',
		somethingWrong: 'Algo salió mal. Inténtalo de nuevo.',
		copyFailed: 'No se pudo copiar el chat aquí. Usa Guardar, que lo descarga como archivo de texto.',
		filesFailed:
			'No se pueden compartir archivos en este chat: esa parte de la página no se cargó. El chat de texto sigue funcionando.',
		mediaKitFailed:
			'El chat de vídeo y audio no se cargó. Comprueba tu conexión, pulsa Parar y vuelve a empezar.',
		endings: {
			'you-left': () => 'Te fuiste',
			'you-reported': (name) => `Denunciaste a ${name}`,
			'partner-left': (name) => `${name} se fue`,
			'connection-failed': () => 'No se pudo conectar',
			'connection-lost': (name) => `Se perdió la conexión con ${name}`
		},
		notifyMatch: 'Alguien quiere chatear contigo',
		notifyMessage: (name) => `Nuevo mensaje de ${name}`
	},
	phase: {
		waitingFor: (wants) => `Esperando tu ${wants === 'video' ? 'cámara' : 'micrófono'}…`,
		cantUse: (wants) => `No se puede usar tu ${wants === 'video' ? 'cámara' : 'micrófono'}`,
		reconnecting: 'Reconectando…',
		notConnected: 'Sin conexión',
		starting: 'Iniciando…',
		looking: 'Buscando a alguien…',
		connecting: 'Conectando…',
		connected: (name) => (name ? `Conectado con ${name}: ¡saluda!` : 'Conectado: ¡saluda!'),
		waitingForMedia: (wants) =>
			wants === 'video' ? 'Esperando el vídeo del desconocido…' : 'Esperando el audio del desconocido…',
		pressNewChat: 'Pulsa Nuevo chat para conocer a alguien',
		finding: 'Espera un momento, te estamos buscando a alguien con quien hablar.',
		widened: 'Ahora mismo no hay nadie que comparta tus intereses, así que buscamos a cualquiera.',
		sayHi: 'Estás chateando con un desconocido al azar. ¡Saluda!',
		ended: {
			'you-left': () => 'Saliste del chat',
			'you-reported': (name) => (name ? `Denunciaste a ${name}` : 'Denunciaste al desconocido'),
			'partner-left': (name) => `${name ?? 'El desconocido'} se ha ido`,
			'connection-failed': () => 'La conexión falló',
			'connection-lost': (name) => (name ? `Se perdió la conexión con ${name}` : 'Se perdió la conexión con el desconocido')
		}
	},
	log: {
		conversation: 'Conversación',
		messages: 'Mensajes',
		newMessages: 'Mensajes nuevos ↓',
		fileCardFailed: 'No se pudo mostrar este archivo: parte de la página no se cargó. Comprueba tu conexión.',
		typing: (name) => `${name} está escribiendo…`,
		bothLike: 'A los dos os gusta:',
		noCommon: 'No hay intereses en común: desconocido al azar'
	},
	composer: {
		message: 'Mensaje',
		placeholder: 'Escribe un mensaje…',
		notConnected: 'Sin conexión',
		send: 'Enviar',
		sendFile: 'Enviar un archivo',
		sendFileTitle: (max) => `Enviar un archivo (imágenes, PDF, texto, documentos de oficina, audio; hasta ${max})`,
		pickerFailed: 'No se pudo abrir el selector de archivos. Comprueba tu conexión e inténtalo de nuevo.'
	},
	file: {
		uploading: (name) => `Subiendo ${name}`,
		cancel: 'Cancelar',
		canceled: 'Cancelado: no se envió nada.',
		tryAgain: 'Reintentar',
		gone: 'Ya no está disponible: los archivos compartidos desaparecen al terminar la llamada.',
		sent: 'Enviado',
		open: 'Abrir',
		download: 'Descargar',
		downloading: 'Descargando…',
		loadingPicture: 'Cargando imagen…'
	},
	media: {
		audioCall: 'Llamada de audio',
		video: 'Vídeo',
		tapToHear: 'Toca para oír al desconocido',
		tapToSeeAndHear: 'Toca para ver y oír al desconocido',
		yourDevices: 'Tu cámara y tu micrófono',
		mute: 'Silenciar micrófono',
		unmute: 'Activar micrófono',
		cameraOff: 'Apagar cámara',
		cameraOn: 'Encender cámara',
		chooseDevices: 'Elegir cámara y micrófono',
		camera: 'Cámara',
		microphone: 'Micrófono',
		allow: (wants) => `Permite el uso de tu ${things(wants)}`,
		allowText: (wants) =>
			`Tu navegador preguntará si Tangent puede usar tu ${things(wants)}. Elige Permitir. Te verás mientras buscamos a alguien; el desconocido solo te ve y te oye cuando estéis conectados.`,
		tryAgain: 'Reintentar',
		continueText: 'Seguir con el chat de texto',
		continueAudio: 'Seguir solo con audio',
		audioOnlyOffer: 'Tu micrófono funciona: puedes chatear por voz, con un clic.',
		titles: {
			'permission-denied': 'Permiso denegado',
			'no-device': 'No se encontró ningún dispositivo',
			'device-busy': 'Dispositivo ocupado',
			'insecure-context': 'Hace falta una página segura',
			unsupported: 'Navegador no compatible',
			unknown: 'No se pudo iniciar'
		},
		problem: (code: MediaProblemCode, wants: Wants, phone: boolean): string => {
			const t = things(wants);
			switch (code) {
				case 'permission-denied':
					return phone
						? `Tangent no puede usar tu ${t} porque se denegó el permiso. Toca el icono junto a la dirección web (o abre la configuración del sitio en el navegador), permite ${t} para este sitio y pulsa Reintentar, ${OR_TEXT}`
						: `Tangent no puede usar tu ${t} porque se denegó el permiso. Haz clic en el icono de la ${wants === 'video' ? 'cámara' : 'micrófono'} en la barra de direcciones para permitirlo y pulsa Reintentar, ${OR_TEXT}`;
				case 'no-device':
					return (
						`Tangent no encontró ${wants === 'video' ? 'ninguna cámara ni micrófono' : 'ningún micrófono'} en este dispositivo. ` +
						(phone
							? `Comprueba que ningún ajuste los bloquee para este navegador y pulsa Reintentar, ${OR_TEXT}`
							: `Conecta uno o enciéndelo y pulsa Reintentar, ${OR_TEXT}`)
					);
				case 'device-busy':
					return (
						`Otra aplicación o pestaña está usando tu ${t}. ` +
						(phone
							? `Cierra la otra aplicación de llamadas (o termina la llamada en ella) y pulsa Reintentar, ${OR_TEXT}`
							: `Cierra la otra videollamada o pestaña y pulsa Reintentar, ${OR_TEXT}`)
					);
				case 'insecure-context':
					return `Los navegadores solo comparten tu ${t} con páginas seguras. Abre Tangent con su dirección https://, ${OR_TEXT}`;
				case 'unsupported':
					return `Este navegador no puede compartir tu ${t}. Prueba con una versión reciente de Chrome, Firefox, Safari o Edge, ${OR_TEXT}`;
				case 'unknown':
					return `Tangent no pudo iniciar tu ${t}. Pulsa Reintentar, ${OR_TEXT}`;
			}
		}
	},
	quality: {
		label: 'Calidad de la conexión:',
		levels: { good: 'Buena', fair: 'Regular', poor: 'Mala', unknown: 'Comprobando…' },
		title: (rtt, loss) => `Calidad de la conexión${rtt ? `, ida y vuelta ${rtt}` : ''}${loss ? `, ${loss}` : ''}`,
		loss: (pct) => `${pct} % de pérdida`,
		direct: 'Directa',
		directTitle: 'Conexión directa entre tu navegador y el del desconocido',
		relayed: 'Retransmitida',
		relayedTitle: 'Retransmitida por un servidor: el desconocido no puede ver tu dirección IP'
	},
	report: {
		report: 'Denunciar',
		reported: 'Denunciado',
		reportTitle: 'Denunciar a este desconocido',
		reportedTitle: 'Denunciaste a este desconocido',
		what: (hasName, live) =>
			`Tangent recibe el identificador de esta llamada, su identificador anónimo, tu motivo y tu nota${hasName ? ', y su nombre solo si lo adjuntas' : ''}. No se envían mensajes, vídeo ni archivos. No volverás a coincidir con esa persona${live ? ', y este chat termina' : ''}.`,
		why: '¿Por qué lo denuncias?',
		reasons: {
			spam: 'Spam, anuncios o un bot',
			nudity: 'Desnudos o contenido sexual',
			harassment: 'Acoso, odio o amenazas',
			underage: 'Parece menor de 18 años',
			'offensive-name': 'Nombre ofensivo',
			other: 'Otra cosa'
		},
		note: '¿Algo más que debamos saber?',
		characters: (n, max) => `${n}/${max} caracteres`,
		attachName: 'Adjuntar el nombre que mostraba:',
		cancel: 'Cancelar',
		sending: 'Enviando…',
		reportAndLeave: 'Denunciar y salir',
		send: 'Enviar denuncia',
		failed: 'No se pudo enviar la denuncia. Inténtalo de nuevo en un momento.'
	},
	safeVideo: {
		checking: 'Vídeo seguro está comprobando este vídeo',
		unavailable: 'Vídeo seguro no pudo iniciarse aquí',
		checkingText: 'Seguirá difuminado hasta que parezca seguro.',
		unavailableText: 'El vídeo sigue difuminado. Puedes mostrarlo si quieres.',
		onDevice: 'Se comprueba en este dispositivo: las imágenes y los resultados nunca salen de él.',
		show: 'Mostrar vídeo',
		flagged: 'Este vídeo puede mostrar desnudos',
		flaggedText: 'Vídeo seguro lo ha difuminado. Conoce a otra persona o denuncia a este desconocido.',
		next: 'Siguiente',
		report: 'Denunciar',
		reporting: 'Denunciando…',
		showAnyway: 'Mostrar de todos modos',
		blurAgain: 'Difuminar vídeo',
		reportFailed: 'No se envió la denuncia. Inténtalo de nuevo.'
	},
	errors: {
		'sign-in-failed': 'No pudimos iniciar tu sesión anónima. Comprueba tu conexión y recarga la página.',
		'sign-in-busy':
			'Demasiadas personas de tu red (un campus, una oficina o un operador móvil) entraron en Tangent en la última hora, así que ahora no podemos iniciar tu sesión. Inténtalo dentro de una hora o cambia de red, por ejemplo de wifi a datos móviles.',
		'sign-in-unavailable':
			'Tangent no puede iniciar sesiones en este momento por un problema nuestro. Inténtalo más tarde.',
		unreachable: 'No se puede llegar a los servidores de Tangent. Comprueba tu conexión y pulsa Nuevo chat.',
		refused: 'El servidor rechazó esa petición. Recarga la página; si sigue pasando, inténtalo más tarde.',
		'connection-failed':
			'No se pudo conectar con el desconocido (puede que un cortafuegos lo bloquee). Pulsa Nuevo chat para conocer a otra persona.',
		'relay-unavailable':
			'Ocultar mi IP necesita un servidor intermedio y ahora no hay ninguno disponible. Desactiva Ocultar mi IP para conectar directamente, o inténtalo más tarde.',
		'bad-data': 'Recibimos algo que no entendimos. Pulsa Nuevo chat para intentarlo de nuevo.',
		banned: 'Por ahora no puedes iniciar chats, porque varias personas te denunciaron.',
		'too-many-sessions':
			'Se iniciaron demasiadas sesiones nuevas desde este dispositivo o esta red. Espera unos minutos y pulsa Nuevo chat.',
		unknown: 'Algo salió mal. Pulsa Nuevo chat para intentarlo de nuevo.'
	},
	bannedUntil: (until) => `No puedes iniciar chats hasta el ${until}, porque varias personas te denunciaron.`,
	notFound: {
		missing: 'Página no encontrada',
		broken: 'Algo salió mal',
		missingText: 'No hay nada en esta dirección. Los chats no tienen enlace propio, así que uno antiguo no lleva a ninguna parte.',
		brokenText: 'No se pudo mostrar esta página. Volver al inicio suele ayudar.',
		home: 'Ir a la página de inicio'
	},
	terms: {
		englishOnly:
			'Las normas y la política de privacidad se muestran en inglés, que es el texto que vale. Al aceptarlas confirmas que las has leído y entendido.'
	}
};
